using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SaasPlatform.ServiceDefaults.Http;

namespace Events.Worker.Features.Audit;

internal static class GetTenantAudit
{
    /// <remarks><c>GET /api/tenants/{tenantId}/audit?page=&amp;per_page=</c>: a tenant's audit log, newest first, admins only (D17).</remarks>
    public static async Task<Results<Ok<SuccessEnvelope<AuditPage>>, ApiError>> HandleAsync(
        string? page, [FromQuery(Name = "per_page")] string? perPage, TenantScope tenant, EventsDbContext db,
        CancellationToken cancellationToken)
    {
        var (paging, invalid) = Paging.Parse(page, perPage);
        if (invalid is not null)
        {
            return invalid;
        }

        var id = tenant.TenantId;
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
