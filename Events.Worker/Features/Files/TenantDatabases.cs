using Npgsql;
using SaasPlatform.TenantData.Connections;

namespace Events.Worker.Features.Files;

/// <summary>Every tenant database on the server (active or not: a deactivated tenant's orphans still cost storage).</summary>
internal sealed class TenantDatabases(IConfiguration configuration)
{
    public async Task<List<string>> ListAsync(CancellationToken cancellationToken)
    {
        var server = configuration.GetConnectionString("postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:postgres is not configured");
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT datname FROM pg_database WHERE datname LIKE 'tenant\\_%' AND NOT datistemplate AND datallowconn ORDER BY datname",
            connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            if (TenantDatabaseName.IsValid(name))
            {
                names.Add(name);
            }
        }

        return names;
    }
}
