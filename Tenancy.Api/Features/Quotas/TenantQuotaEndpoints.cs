using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.ServiceDefaults.Http;
using Tenancy.Api.Data;
using Tenancy.Api.Quotas;

namespace Tenancy.Api.Features.Quotas;

/// <summary>
/// Operators' view and override of one user's tenant quotas, on the internal surface (internal key, never routed by
/// the gateway): <c>GET</c>, <c>PUT</c> (<c>max_active_tenants</c>, <c>max_creations_per_hour</c>: an integer
/// from 0, which blocks creation, to 100,000, or null for the default) and <c>DELETE</c> (back to the defaults) on <c>/internal/users/{id}/tenant-quota</c>.
/// </summary>
public static class TenantQuotaEndpoints
{
    public const int MaxLimit = 100_000;

    public sealed record QuotaView(Guid UserId, int MaxActiveTenants, int MaxCreationsPerHour, int ActiveTenants, bool Custom);

    public static RouteGroupBuilder MapTenantQuotaEndpoints(this RouteGroupBuilder group)
    {
        group.MapGet("/users/{userId:guid}/tenant-quota", GetAsync);
        group.MapPut("/users/{userId:guid}/tenant-quota", PutAsync);
        group.MapDelete("/users/{userId:guid}/tenant-quota", DeleteAsync);
        return group;
    }

    private static async Task<Ok<SuccessEnvelope<QuotaView>>> GetAsync(
        Guid userId, TenancyDbContext db, TenantQuotas quotas, CancellationToken cancellationToken) =>
        ApiResults.Ok("Tenant quota retrieved", await ViewAsync(userId, db, quotas, cancellationToken));

    private static async Task<Results<Ok<SuccessEnvelope<QuotaView>>, ApiError>> PutAsync(
        Guid userId, [FromBody] JsonElement body, TenancyDbContext db, TenantQuotas quotas, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject();
        }

        var validation = new Validation();
        var maxActive = Limit(body, "max_active_tenants", validation);
        var perHour = Limit(body, "max_creations_per_hour", validation);
        if (!validation.IsValid)
        {
            return validation.ToError();
        }

        var row = await db.TenantQuotas.FirstOrDefaultAsync(q => q.UserId == userId, cancellationToken);
        if (row is null)
        {
            row = new TenantQuota { UserId = userId };
            db.TenantQuotas.Add(row);
        }

        row.MaxActiveTenants = maxActive;
        row.MaxCreationsPerHour = perHour;
        row.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return ApiResults.Ok("Tenant quota updated", await ViewAsync(userId, db, quotas, cancellationToken));
    }

    private static async Task<Ok<SuccessEnvelope<QuotaView>>> DeleteAsync(
        Guid userId, TenancyDbContext db, TenantQuotas quotas, CancellationToken cancellationToken)
    {
        await db.TenantQuotas.Where(q => q.UserId == userId).ExecuteDeleteAsync(cancellationToken);
        return ApiResults.Ok("Tenant quota reset to the defaults", await ViewAsync(userId, db, quotas, cancellationToken));
    }

    private static async Task<QuotaView> ViewAsync(Guid userId, TenancyDbContext db, TenantQuotas quotas, CancellationToken cancellationToken)
    {
        var limits = await quotas.LimitsOfAsync(userId, cancellationToken);
        var active = await db.Tenants.CountAsync(t => t.CreatedBy == userId && t.IsActive, cancellationToken);
        var custom = await db.TenantQuotas.AnyAsync(q => q.UserId == userId, cancellationToken);
        return new QuotaView(userId, limits.MaxActiveTenants, limits.MaxCreationsPerHour, active, custom);
    }

    /// <summary>Absent or null: the default. Otherwise an integer in 0..<see cref="MaxLimit"/> (0 blocks creation).</summary>
    private static int? Limit(JsonElement body, string name, Validation validation)
    {
        if (!body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var limit) && limit is >= 0 and <= MaxLimit)
        {
            return limit;
        }

        validation.Add(name, $"Must be an integer between 0 and {MaxLimit}, or null for the default");
        return null;
    }
}
