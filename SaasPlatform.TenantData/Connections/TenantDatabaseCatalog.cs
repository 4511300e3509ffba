using Npgsql;

namespace SaasPlatform.TenantData.Connections;

/// <summary>
/// The tenant databases on the server: every database named like one (<see cref="TenantDatabaseName"/>) that accepts
/// connections, active tenant or not (a deactivated tenant's outbox and orphaned files still need handling). The one
/// place that enumerates them; sweeps (the tenant outbox relay, the orphan collector) start from here. Reads only
/// <c>pg_database</c> on the server connection, so it opens no tenant pool. Periodic jobs do not walk it: they visit
/// the databases that have work (<see cref="TenantWorkSchedule"/>); only their one recovery pass at start-up does,
/// paced (<see cref="WalkAsync"/>).
/// </summary>
public sealed class TenantDatabaseCatalog(string serverConnectionString)
{
    private const string Query =
        "SELECT datname FROM pg_database WHERE datname LIKE 'tenant\\_%' AND NOT datistemplate AND datallowconn ORDER BY datname";

    /// <summary>Names of the tenant databases on the server, in name order.</summary>
    public async Task<List<string>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Query, connection);
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

    /// <summary>
    /// Every tenant database, one at a time with <paramref name="pause"/> between them, so a pass over thousands of
    /// databases (a job's recovery pass at start-up) spreads its connections and queries instead of competing with
    /// live traffic. The list is read once, at the start.
    /// </summary>
    public async IAsyncEnumerable<string> WalkAsync(TimeSpan pause, TimeProvider time,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var first = true;
        foreach (var name in await ListAsync(cancellationToken))
        {
            if (!first && pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, time, cancellationToken);
            }

            first = false;
            yield return name;
        }
    }
}
