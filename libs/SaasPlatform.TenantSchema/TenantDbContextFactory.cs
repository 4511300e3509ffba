using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using SaasPlatform.TenantConnections;

namespace SaasPlatform.TenantSchema;

/// <summary>
/// Opens <see cref="TenantDbContext"/>s on the tenant connection pools of <see cref="TenantDataSources"/>. The
/// registry knows connections only; the schema knows how a context is built on one (the outbox commit signal among
/// its interceptors where the service publishes events).
/// </summary>
public sealed class TenantDbContextFactory(TenantDataSources tenants, IEnumerable<IInterceptor> interceptors, TimeProvider time)
{
    private const string WarmUpDatabaseName = "tenant_warm_up_00000000"; // never connected to
    private readonly IInterceptor[] _interceptors = interceptors.ToArray();

    /// <summary>A <see cref="TenantDbContext"/> on the tenant's pool; the pool stays leased until the context is disposed.</summary>
    public Task<TenantDbContext> CreateDbContextAsync(string databaseName, CancellationToken cancellationToken = default) =>
        CreateDbContextAsync(null, databaseName, cancellationToken);

    /// <summary>
    /// A <see cref="TenantDbContext"/> on the pool of a database on <paramref name="server"/> (null: the server its tenant
    /// record names, docs/decisions/tenant-placement.md).
    /// </summary>
    public async Task<TenantDbContext> CreateDbContextAsync(string? server, string databaseName, CancellationToken cancellationToken = default)
    {
        var lease = server is null ? await tenants.RentAsync(databaseName, cancellationToken) : await tenants.RentAsync(server, databaseName, cancellationToken);
        try
        {
            var context = NewContext(lease.DataSource.CreateConnection());
            context.HoldLease(lease);
            return context;
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A <see cref="TenantDbContext"/> on a connection of its own, outside the tenant pools: for a background pass over
    /// many databases, which would otherwise evict the pools live requests use. Each open is a new server connection,
    /// so such a pass must be paced (<see cref="TenantDatabaseCatalog.WalkAsync"/>).
    /// </summary>
    public TenantDbContext CreateUnpooledDbContext(string databaseName) =>
        NewContext(new NpgsqlConnection(tenants.BuildConnectionString(databaseName, pooling: false)));

    /// <summary>
    /// Builds the EF Core model and compiles a query without touching any database, so that the first requests after
    /// start-up (often a burst) do not all queue behind that one-time work while holding tenant connections.
    /// </summary>
    public void WarmUp()
    {
        using var context = NewContext(new NpgsqlConnection(tenants.BuildConnectionString(TenantServers.Main, WarmUpDatabaseName, pooling: false)));
        _ = context.Files.Where(f => f.Sha256Hash == "").Select(f => f.Id).ToQueryString();
    }

    // A connection (not the data source) keeps EF's internal service provider shared by all tenants.
    private TenantDbContext NewContext(NpgsqlConnection connection) => new(
        new DbContextOptionsBuilder<TenantDbContext>()
            .UseNpgsql(connection, contextOwnsConnection: true)
            .AddInterceptors(_interceptors)
            .Options,
        time);
}
