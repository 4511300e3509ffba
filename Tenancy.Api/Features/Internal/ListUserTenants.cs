namespace Tenancy.Api.Features.Internal;

public static class ListUserTenants
{
    /// <remarks>The active tenants of a user, newest membership first; Identity.Api's login lists them.</remarks>
    public static async Task<Ok<List<UserTenant>>> HandleAsync(Guid userId, TenancyDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId && m.Tenant!.IsActive && m.Tenant.Status == TenantStatus.Active)
            .OrderByDescending(m => m.JoinedAt)
            .Select(m => new { m.TenantId, m.Tenant!.Name, m.Tenant.DatabaseName, m.Role, m.JoinedAt })
            .ToListAsync(cancellationToken);

        return TypedResults.Ok(rows.Select(r => new UserTenant(r.TenantId, r.Name, r.DatabaseName, r.Role.ToWire(), r.JoinedAt)).ToList());
    }
}
