using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.TenantData.Access;
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
        var views = new List<TenantView>();
        await foreach (var row in ActiveTenantsOf(db, userId).WithCancellation(cancellationToken))
        {
            views.Add(new TenantView
            {
                Id = row.Id,
                Name = row.Name,
                DatabaseName = row.DatabaseName,
                IsActive = row.IsActive,
                CreatedAt = row.CreatedAt,
                UpdatedAt = row.UpdatedAt,
                CreatedBy = row.CreatedBy,
                Role = row.Role.ToWire(),
                JoinedAt = IsoTimestampConverter.Format(row.JoinedAt),
            });
        }

        return views;
    }

    private sealed record Row(
        Guid Id, string Name, string DatabaseName, bool IsActive, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
        Guid? CreatedBy, TenantRole Role, DateTimeOffset JoinedAt);

    /// <summary>
    /// Compiled once (no expression-tree lookup per request), untracked, and only the columns of the response: a join,
    /// not entities for the change tracker's identity resolution.
    /// </summary>
    private static readonly Func<TenancyDbContext, Guid, IAsyncEnumerable<Row>> ActiveTenantsOf =
        EF.CompileAsyncQuery((TenancyDbContext db, Guid userId) => db.Memberships.AsNoTracking()
            .Where(m => m.UserId == userId && m.Tenant!.IsActive && m.Tenant.Status == TenantStatus.Active)
            .OrderByDescending(m => m.JoinedAt)
            .Select(m => new Row(m.Tenant!.Id, m.Tenant.Name, m.Tenant.DatabaseName, m.Tenant.IsActive, m.Tenant.CreatedAt,
                m.Tenant.UpdatedAt, m.Tenant.CreatedBy, m.Role, m.JoinedAt)));
}
