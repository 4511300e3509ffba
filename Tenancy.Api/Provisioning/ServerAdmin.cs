namespace Tenancy.Api.Provisioning;

/// <summary>
/// Connections to a tenant server's maintenance database (<c>postgres</c>) for database-level work: <c>CREATE</c>/<c>DROP
/// DATABASE</c> and the template lock. Advisory locks are scoped to the database they are taken in, so taking the
/// template lock here serialises every Tenancy deployment on that server, whatever its own tenancydb is called.
/// One small pool per server (<see cref="TenantServers"/>).
/// </summary>
public sealed class ServerAdmin(TenantServers servers) : IDisposable
{
    private const string MaintenanceDatabase = "postgres";

    private readonly ConcurrentDictionary<string, Lazy<NpgsqlDataSource>> _dataSources = new(StringComparer.Ordinal);

    /// <summary>A connection to the maintenance database of <paramref name="server"/>.</summary>
    public ValueTask<NpgsqlConnection> OpenAsync(string server, CancellationToken cancellationToken) =>
        _dataSources.GetOrAdd(server, name => new Lazy<NpgsqlDataSource>(() => NpgsqlDataSource.Create(
            new NpgsqlConnectionStringBuilder(servers.ConnectionString(name))
            {
                Database = MaintenanceDatabase,
                Pooling = true,
                MaxPoolSize = 4,
                ConnectionIdleLifetime = 30,
            }.ConnectionString))).Value.OpenConnectionAsync(cancellationToken);

    /// <summary>An unpooled connection string for one database on <paramref name="server"/> under this service's login.</summary>
    public string ConnectionString(string server, string database) =>
        new NpgsqlConnectionStringBuilder(servers.ConnectionString(server)) { Database = database, Pooling = false }.ConnectionString;

    public void Dispose()
    {
        foreach (var dataSource in _dataSources.Values.Where(d => d.IsValueCreated))
        {
            dataSource.Value.Dispose();
        }
    }
}
