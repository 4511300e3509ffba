using SaasPlatform.TenancyClient;

namespace SaasPlatform.TenantSchema;

/// <summary>
/// The tenant of a request and the caller's membership in it, filled in by <see cref="TenantAccessFilter"/> before the
/// handler runs, with the tenant's database context opened on first use. Handlers take it as a parameter (it is a
/// scoped service); outside a group mapped with <see cref="TenantAccessEndpoints.RequireTenantMember"/> it is empty.
/// </summary>
public sealed class TenantScope(TenantDbContextFactory tenants) : IAsyncDisposable
{
    private TenantMembership? _membership;
    private TenantDbContext? _db;

    /// <summary>The caller.</summary>
    public Guid UserId { get; private set; }

    public TenantMembership Membership =>
        _membership ?? throw new InvalidOperationException("No tenant access check ran: map the endpoint in a group with RequireTenantMember()");

    public Guid TenantId => Membership.TenantId;

    public string DatabaseName => Membership.DatabaseName;

    public TenantRole Role => Membership.TenantRole;

    /// <summary>
    /// The tenant's database context, opened on first use (so a request refused by its own validation costs no tenant
    /// connection) and closed when the handler returns, before a streamed result is written.
    /// </summary>
    public async ValueTask<TenantDbContext> OpenDbAsync(CancellationToken cancellationToken) =>
        _db ??= await tenants.CreateDbContextAsync(DatabaseName, cancellationToken);

    internal void Enter(Guid userId, TenantMembership membership)
    {
        UserId = userId;
        _membership = membership;
    }

    public async ValueTask DisposeAsync()
    {
        if (_db is not null)
        {
            await _db.DisposeAsync();
            _db = null;
        }
    }
}
