namespace Tenancy.Api.Features.Tenants;

public static class ListTenants
{
    /// <remarks><c>GET /api/tenants</c>: the caller's active tenants with role and joined_at, newest membership first.</remarks>
    public static async Task<Ok<SuccessEnvelope<List<TenantView>>>> HandleAsync(
        ClaimsPrincipal user, TenancyDbContext db, TenantCache cache, CancellationToken cancellationToken) =>
        ApiResults.Ok("Tenants retrieved successfully", await LoadAsync(db, cache, user.UserId(), cancellationToken));

    /// <summary>From memory until a membership of the user or any tenant changes (<see cref="TenantCache"/>).</summary>
    public static ValueTask<List<TenantView>> LoadAsync(TenancyDbContext db, TenantCache cache, Guid userId, CancellationToken cancellationToken) =>
        cache.ListAsync(db, userId, QueryAsync, cancellationToken);

    private static async Task<List<TenantView>> QueryAsync(TenancyDbContext db, Guid userId, CancellationToken cancellationToken) =>
        await ActiveTenantsOf(db, userId).ToListAsync(cancellationToken);

    /// <summary>
    /// Compiled once (no expression-tree lookup per request), untracked, and only the columns of the response: a join,
    /// not entities for the change tracker's identity resolution. Role and joined_at are formatted as rows arrive.
    /// </summary>
    private static readonly Func<TenancyDbContext, Guid, IAsyncEnumerable<TenantView>> ActiveTenantsOf =
        EF.CompileAsyncQuery((TenancyDbContext db, Guid userId) => db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId && m.Tenant!.IsActive && m.Tenant.Status == TenantStatus.Active)
            .OrderByDescending(m => m.JoinedAt)
            .Select(m => new TenantView
            {
                Id = m.Tenant!.Id,
                Name = m.Tenant.Name,
                DatabaseName = m.Tenant.DatabaseName,
                IsActive = m.Tenant.IsActive,
                CreatedAt = m.Tenant.CreatedAt,
                UpdatedAt = m.Tenant.UpdatedAt,
                CreatedBy = m.Tenant.CreatedBy,
                Role = m.Role.ToWire(),
                JoinedAt = IsoTimestampConverter.Format(m.JoinedAt),
            }));
}
