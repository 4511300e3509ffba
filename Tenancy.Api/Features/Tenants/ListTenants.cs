using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using Tenancy.Api.Data;

namespace Tenancy.Api.Features.Tenants;

/// <summary><c>GET /api/tenants</c>: the caller's active tenants with role and joined_at, newest membership first.</summary>
public static class ListTenants
{
    public static async Task<Ok<SuccessEnvelope<List<TenantView>>>> HandleAsync(
        ClaimsPrincipal user, TenancyDbContext db, CancellationToken cancellationToken) =>
        ApiResults.Ok("Tenants retrieved successfully", await LoadAsync(db, user.UserId(), cancellationToken));

    public static async Task<List<TenantView>> LoadAsync(TenancyDbContext db, Guid userId, CancellationToken cancellationToken)
    {
        var memberships = await db.Memberships.AsNoTracking().Include(m => m.Tenant)
            .Where(m => m.UserId == userId && m.Tenant!.IsActive && m.Tenant.Status == TenantStatus.Active)
            .OrderByDescending(m => m.JoinedAt)
            .ToListAsync(cancellationToken);
        return memberships.Select(m => TenantView.From(m.Tenant!, m.Role, m.JoinedAt)).ToList();
    }
}
