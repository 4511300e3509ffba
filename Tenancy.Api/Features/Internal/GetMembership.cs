using Microsoft.AspNetCore.Http.HttpResults;
using SaasPlatform.TenantData.Access;
using Tenancy.Api.Data;
using Tenancy.Api.Features.Tenants;

namespace Tenancy.Api.Features.Internal;

/// <summary>
/// The question every tenant-scoped request of another service asks (through <see cref="TenantAccessChecker"/>):
/// is this user a member of this active tenant, and with which role? 404 when not. The answer names the tenant's
/// database and the server holding it, so the caller opens it without asking again.
/// </summary>
public static class GetMembership
{
    public sealed record MembershipAnswer(Guid TenantId, string TenantName, string DatabaseName, string Role, string Server);

    public static async Task<Results<Ok<MembershipAnswer>, NotFound>> HandleAsync(
        Guid tenantId, Guid userId, TenancyDbContext db, TenantCache cache, CancellationToken cancellationToken)
    {
        // From memory until the tenant or its memberships change (TenantCache).
        var found = await GetTenant.LoadAsync(db, cache, tenantId, cancellationToken);
        return found?.Of(userId) is { } membership
            ? TypedResults.Ok(new MembershipAnswer(found.Tenant.Id, found.Tenant.Name, found.Tenant.DatabaseName, membership.Role.ToWire(), found.Tenant.Server))
            : TypedResults.NotFound();
    }
}
