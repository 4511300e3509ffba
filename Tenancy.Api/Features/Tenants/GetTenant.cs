using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.TenantData.Access;
using Tenancy.Api.Data;
using Tenancy.Api.Identity;

namespace Tenancy.Api.Features.Tenants;

/// <summary>
/// <c>GET /api/tenants/{id}</c> (any member): the tenant, the caller's role and the members who are active users,
/// oldest membership first.
/// </summary>
public static class GetTenant
{
    public static async Task<Results<Ok<SuccessEnvelope<TenantView>>, ApiError>> HandleAsync(
        Guid tenantId, ClaimsPrincipal user, TenancyDbContext db, IdentityUsers users, CancellationToken cancellationToken)
    {
        var (found, error) = await CallerMembership.RequireAsync(db, tenantId, user.UserId(), TenantRole.Viewer, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var memberships = await db.Memberships.AsNoTracking()
            .Where(m => m.TenantId == tenantId)
            .OrderBy(m => m.JoinedAt)
            .ToListAsync(cancellationToken);
        var profiles = await users.LookupAsync([.. memberships.Select(m => m.UserId)], cancellationToken);
        var members = memberships
            .Where(m => profiles.TryGetValue(m.UserId, out var profile) && profile.IsActive)
            .Select(m => MemberView.From(profiles[m.UserId], m))
            .ToList();

        return ApiResults.Ok("Tenant details retrieved successfully",
            TenantView.From(found!.Tenant, found.Membership.Role, members: members));
    }
}
