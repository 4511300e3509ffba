using Npgsql;
using SaasPlatform.TenantConnections;

namespace Tenancy.Api.Provisioning;

/// <summary>
/// Connections to the server's maintenance database (<c>postgres</c>) for database-level work: <c>CREATE</c>/<c>DROP
/// DATABASE</c> and the template lock. Advisory locks are scoped to the database they are taken in, so taking the
/// template lock here serialises every Tenancy deployment on the server, whatever its own tenancydb is called.
/// </summary>
public sealed class ServerAdmin(TenantDataSources dataSources) : IDisposable
{
    private const string MaintenanceDatabase = "postgres";

    private readonly Lazy<NpgsqlDataSource> _dataSource = new(() => NpgsqlDataSource.Create(
        new NpgsqlConnectionStringBuilder(dataSources.BuildConnectionString(MaintenanceDatabase, pooling: false))
        {
            Pooling = true,
            MaxPoolSize = 4,
            ConnectionIdleLifetime = 30,
        }.ConnectionString));

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => _dataSource.Value.OpenConnectionAsync(cancellationToken);

    public void Dispose()
    {
        if (_dataSource.IsValueCreated)
        {
            _dataSource.Value.Dispose();
        }
    }
}
