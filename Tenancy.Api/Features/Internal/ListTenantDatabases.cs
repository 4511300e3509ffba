namespace Tenancy.Api.Features.Internal;

/// <summary>
/// The database of every tenant this platform has recorded (active, deactivated or provisioning), with the server
/// holding it, in name order: the list background jobs start from (SaasPlatform.TenantConnections' TenantDatabaseCatalog), so
/// they visit this platform's tenants only, not every database on a shared server that happens to be named like one.
/// <c>/internal/tenant-databases/{name}</c> answers for one database: where a service learns the server of a
/// database it only knows by name (from an event).
/// </summary>
public static class ListTenantDatabases
{
    public static async Task<Ok<List<TenantDatabaseLocation>>> HandleAsync(TenancyDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Tenants.AsNoTracking()
            .OrderBy(t => t.DatabaseName)
            .Select(t => new TenantDatabaseLocation(t.DatabaseName, t.Server))
            .ToListAsync(cancellationToken));

    public static async Task<Results<Ok<TenantDatabaseLocation>, NotFound>> HandleOneAsync(
        string databaseName, TenancyDbContext db, CancellationToken cancellationToken) =>
        await db.Tenants.AsNoTracking()
                .Where(t => t.DatabaseName == databaseName)
                .Select(t => new TenantDatabaseLocation(t.DatabaseName, t.Server))
                .SingleOrDefaultAsync(cancellationToken) is { } location
            ? TypedResults.Ok(location)
            : TypedResults.NotFound();
}
