using SaasPlatform.Messaging.Changes;

namespace Tenancy.Api.Features.Tenants;

/// <summary>A tenant that is active, with its memberships, oldest first (the rows <c>GET /api/tenants/{id}</c> needs).</summary>
public sealed record TenantMembers(Tenant Tenant, IReadOnlyList<Membership> Memberships)
{
    public Membership? Of(Guid userId) => Memberships.FirstOrDefault(m => m.UserId == userId);
}

/// <summary>
/// Tenants and memberships from memory until their rows change (docs/decisions/cache-invalidation.md): the triggers
/// of <c>tenants</c> and <c>user_tenant_associations</c> notify every replica at commit, and this process's own
/// commits are handed over at once. Two views: a user's tenant list (<c>GET /api/tenants</c>) and a tenant with its
/// members (<c>GET /api/tenants/{id}</c> and the membership question of other services). Cached values are shared
/// between requests and never modified.
/// </summary>
public sealed class TenantCache
{
    private const string TenantsTable = "tenants:";
    private const string MembershipsTable = "user_tenant_associations:";

    private readonly ChangeCache<Guid, List<TenantView>> _listsByUser;
    private readonly ChangeCache<Guid, TenantMembers> _tenants;

    public TenantCache(ChangeFeed feed)
    {
        _listsByUser = new ChangeCache<Guid, List<TenantView>>(feed, payload => Parse(payload) is (MembershipsTable, var user, _) ? [user] : []);
        _tenants = new ChangeCache<Guid, TenantMembers>(feed, payload => Parse(payload) switch
        {
            (TenantsTable, var tenant, _) => [tenant],
            (MembershipsTable, _, var tenant) => [tenant],
            _ => [],
        });
        // A tenant's name, state or activation changes every list that has (or should now have) it: rare, so all go.
        feed.Subscribe(payload =>
        {
            if (payload.StartsWith(TenantsTable, StringComparison.Ordinal))
            {
                _listsByUser.Clear();
            }
        }, () => { });
    }

    /// <summary>How this process names a tracked row, as the table's trigger does.</summary>
    public static string? Payload(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry entry) => entry.Entity switch
    {
        Tenant tenant => $"{TenantsTable}{tenant.Id}",
        Membership membership => $"{MembershipsTable}{membership.UserId}:{membership.TenantId}",
        _ => null,
    };

    public async ValueTask<List<TenantView>> ListAsync(TenancyDbContext db, Guid userId,
        Func<TenancyDbContext, Guid, CancellationToken, Task<List<TenantView>>> load, CancellationToken cancellationToken) =>
        (await _listsByUser.GetOrLoadAsync(userId, db, async (context, ct) => (List<TenantView>?)await load(context, userId, ct), cancellationToken))!;

    /// <summary>The active tenant with its memberships, or null when it is missing or not active (not cached).</summary>
    public ValueTask<TenantMembers?> GetAsync(TenancyDbContext db, Guid tenantId,
        Func<TenancyDbContext, Guid, CancellationToken, Task<TenantMembers?>> load, CancellationToken cancellationToken) =>
        _tenants.GetOrLoadAsync(tenantId, db, (context, ct) => load(context, tenantId, ct), cancellationToken);

    private static (string Table, Guid First, Guid Second)? Parse(string payload)
    {
        var table = payload.StartsWith(TenantsTable, StringComparison.Ordinal) ? TenantsTable
            : payload.StartsWith(MembershipsTable, StringComparison.Ordinal) ? MembershipsTable
            : null;
        if (table is null)
        {
            return null;
        }

        var keys = payload.AsSpan(table.Length);
        var colon = keys.IndexOf(':');
        var first = colon < 0 ? keys : keys[..colon];
        var second = colon < 0 ? [] : keys[(colon + 1)..];
        return Guid.TryParse(first, out var a)
            ? (table, a, Guid.TryParse(second, out var b) ? b : Guid.Empty)
            : null;
    }
}
