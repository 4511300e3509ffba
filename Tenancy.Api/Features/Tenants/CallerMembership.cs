namespace Tenancy.Api.Features.Tenants;

/// <summary>
/// The caller's membership in an active tenant, checked against tenancydb (this service owns it, so no cache):
/// 404 for a missing, inactive or foreign tenant (never 403, which would leak existence), 403 when the role is too low.
/// </summary>
public static class CallerMembership
{
    public sealed record Found(Tenant Tenant, Membership Membership);

    public static async Task<(Found? Found, ApiError? Error)> RequireAsync(
        TenancyDbContext db, Guid tenantId, Guid userId, TenantRole minimum, CancellationToken cancellationToken, bool track = false)
    {
        var query = db.Memberships.Include(m => m.Tenant).AsQueryable();
        if (!track)
        {
            query = query.AsNoTracking();
        }

        var membership = await query.SingleOrDefaultAsync(
            m => m.TenantId == tenantId && m.UserId == userId && m.Tenant!.IsActive && m.Tenant.Status == TenantStatus.Active,
            cancellationToken);
        if (membership is null)
        {
            return (null, ApiError.NotFound("Tenant not found or access denied"));
        }

        if (!membership.Role.Includes(minimum))
        {
            return (null, ApiError.Forbidden(minimum == TenantRole.Admin
                ? "Admin role required for this operation"
                : "You do not have permission to perform this action"));
        }

        return (new Found(membership.Tenant!, membership), null);
    }
}
