namespace Tenancy.Api.Features.Internal;

public static class GetMembership
{
    /// <remarks>
    /// The question every tenant-scoped request of another service asks (through <see cref="TenantAccessChecker"/>):
    /// is this user a member of this active tenant, and with which role? 404 when not.
    /// </remarks>
    public static async Task<Results<Ok<TenantMembership>, NotFound>> HandleAsync(
        Guid tenantId, Guid userId, TenancyDbContext db, CancellationToken cancellationToken)
    {
        // From the database, not this replica's cache: the asker keeps the answer until /internal/changes says it
        // changed, and may ask right after hearing that from another replica, before this one has heard it.
        var answer = await db.Memberships.AsNoTracking()
            .Where(m => m.TenantId == tenantId && m.UserId == userId && m.Tenant!.IsActive && m.Tenant.Status == TenantStatus.Active)
            .Select(m => new { m.Tenant!.Name, m.Tenant.DatabaseName, m.Role, m.Tenant.Server })
            .SingleOrDefaultAsync(cancellationToken);
        return answer is null
            ? TypedResults.NotFound()
            : TypedResults.Ok(new TenantMembership(tenantId, answer.Name, answer.DatabaseName, answer.Role.ToWire(), answer.Server));
    }
}
