using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Tenancy.Api.Data;

namespace Tenancy.Api.Features.Internal;

public static class ListTenantDatabases
{
    /// <remarks>
    /// The database of every tenant this platform has recorded (active, deactivated or provisioning), in name order: the
    /// list background jobs start from (SaasPlatform.TenantConnections' TenantDatabaseCatalog), so they visit this platform's
    /// tenants only, not every database on a shared server that happens to be named like one.
    /// </remarks>
    public static async Task<Ok<List<string>>> HandleAsync(TenancyDbContext db, CancellationToken cancellationToken) =>
        TypedResults.Ok(await db.Tenants.AsNoTracking().OrderBy(t => t.DatabaseName).Select(t => t.DatabaseName).ToListAsync(cancellationToken));
}
