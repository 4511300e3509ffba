using System.Text.Json;
using System.Text.Json.Serialization;
using Events.Worker.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.TenancyClient;

namespace Events.Worker.Features.Audit;

/// <summary><c>GET /api/tenants/{tenantId}/audit?page=&amp;per_page=</c>: a tenant's audit log, newest first, admins only (D17).</summary>
internal static class GetTenantAudit
{
    public static RouteGroupBuilder MapGetTenantAudit(this RouteGroupBuilder group)
    {
        group.MapGet("/{tenantId}/audit", HandleAsync)
            .RequireAuthorization()
            .WithName("GetTenantAudit")
            .WithSummary("A tenant's audit log, newest first (admin)");
        return group;
    }

    private static async Task<Results<Ok<SuccessEnvelope<AuditPage>>, ApiError>> HandleAsync(
        string tenantId, string? page, [FromQuery(Name = "per_page")] string? perPage, HttpContext http,
        TenantAccessChecker access, EventsDbContext db, CancellationToken cancellationToken)
    {
        var membership = await access.RequireAsync(tenantId, http.User.UserId(), TenantRole.Admin, cancellationToken);
        if (membership.Failed(out var denied))
        {
            return denied;
        }

        var (paging, invalid) = Paging.Parse(page, perPage);
        if (invalid is not null)
        {
            return invalid;
        }

        var id = membership.TenantId;
        var query = db.AuditRecords.AsNoTracking().Where(a => a.TenantId == id);
        var total = await query.LongCountAsync(cancellationToken);
        var records = await query
            .OrderByDescending(a => a.OccurredAt).ThenByDescending(a => a.Id)
            .Skip(paging.Skip).Take(paging.PerPage)
            .ToListAsync(cancellationToken);

        var items = records.Select(AuditEntry.From).ToList();
        return ApiResults.Ok("Audit log retrieved successfully", new AuditPage(items, paging.Describe(total)));
    }

    internal sealed record AuditPage(IReadOnlyList<AuditEntry> AuditLogs, PaginationInfo Pagination);

    internal sealed record AuditEntry(
        Guid Id,
        Guid? TenantId,
        Guid? UserId,
        string Action,
        string? ResourceType,
        string? ResourceId,
        JsonElement? Details,
        [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset Timestamp,
        [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset RecordedAt)
    {
        /// <summary>One stored record as the audit log and the security log show it.</summary>
        public static AuditEntry From(AuditRecord record) => new(record.Id, record.TenantId, record.UserId, record.Action,
            record.ResourceType, record.ResourceId, record.Details?.RootElement.Clone(), record.OccurredAt, record.RecordedAt);
    }
}
