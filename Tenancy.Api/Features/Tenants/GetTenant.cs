namespace Tenancy.Api.Features.Tenants;

public static class GetTenant
{
    /// <remarks>
    /// <c>GET /api/tenants/{id}</c> (any member): the tenant, the caller's role and the members who are active users,
    /// oldest membership first.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<TenantView>>, ApiError>> HandleAsync(
        Guid tenantId, ClaimsPrincipal user, TenancyDbContext db, TenantCache cache, IdentityUsers users, CancellationToken cancellationToken)
    {
        // The tenant and its memberships from memory (TenantCache); the profiles from Identity.Api, which keeps them in
        // memory too. Every role may read, so membership alone decides: 404 otherwise (never 403, which would leak).
        var found = await LoadAsync(db, cache, tenantId, cancellationToken);
        if (found?.Of(user.UserId()) is not { } caller)
        {
            return ApiError.NotFound("Tenant not found or access denied");
        }

        var profiles = await users.LookupAsync([.. found.Memberships.Select(m => m.UserId)], cancellationToken);
        var members = found.Memberships
            .Where(m => profiles.TryGetValue(m.UserId, out var profile) && profile.IsActive)
            .Select(m => MemberView.From(profiles[m.UserId], m))
            .ToList();

        return ApiResults.Ok("Tenant details retrieved successfully", TenantView.From(found.Tenant, caller.Role, members: members));
    }

    /// <summary>An active tenant with its memberships, oldest first; null when missing or not active.</summary>
    public static ValueTask<TenantMembers?> LoadAsync(TenancyDbContext db, TenantCache cache, Guid tenantId, CancellationToken cancellationToken) =>
        cache.GetAsync(db, tenantId, QueryAsync, cancellationToken);

    private static async Task<TenantMembers?> QueryAsync(TenancyDbContext db, Guid tenantId, CancellationToken cancellationToken)
    {
        var tenant = await db.Tenants.AsNoTracking()
            .SingleOrDefaultAsync(t => t.Id == tenantId && t.IsActive && t.Status == TenantStatus.Active, cancellationToken);
        if (tenant is null)
        {
            return null;
        }

        var memberships = await db.Memberships.AsNoTracking()
            .Where(m => m.TenantId == tenantId)
            .OrderBy(m => m.JoinedAt)
            .ToListAsync(cancellationToken);
        return new TenantMembers(tenant, memberships);
    }
}
