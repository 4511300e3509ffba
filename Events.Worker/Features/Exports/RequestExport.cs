using Microsoft.AspNetCore.Http.HttpResults;
using SaasPlatform.Messaging.Audit;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.Storage;

namespace Events.Worker.Features.Exports;

public static class RequestExport
{
    /// <remarks>
    /// <c>POST /api/tenants/{tenantId}/exports</c> (admin): records the export (<c>pending</c>) and its
    /// <c>tenant.export_requested</c> event in one transaction of the worker's own outbox, and answers 202 with the
    /// export; a worker instance writes the archive and the admin is notified by e-mail and the live feed when it is
    /// ready. Poll <c>GET .../exports/{exportId}</c> for the status and the download link.
    /// </remarks>
    public static async Task<Results<Accepted<SuccessEnvelope<ExportView>>, ApiError>> HandleAsync(
        TenantScope tenant, EventsDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        var export = new TenantExport
        {
            Id = id,
            TenantId = tenant.TenantId,
            TenantName = tenant.Membership.TenantName,
            DatabaseName = tenant.DatabaseName,
            RequestedBy = tenant.UserId,
            Status = TenantExportStatus.Pending,
            ObjectKey = ExportKey(tenant.DatabaseName, id),
            RequestedAt = time.GetUtcNow(),
        };
        db.TenantExports.Add(export);
        db.EnqueueEvent(Topics.TenantExportRequested, tenant.TenantId, tenant.UserId, new TenantExportRequested(id), time);
        db.EnqueueAudit(tenant.TenantId, tenant.UserId, AuditActions.TenantExportRequested, "tenant_export", id.ToString(), null, time);
        await db.SaveChangesAsync(cancellationToken);

        var location = $"/api/tenants/{tenant.TenantId}/exports/{id}";
        return TypedResults.Accepted(location, new SuccessEnvelope<ExportView> { Message = "Export requested", Data = ExportView.From(export) });
    }

    /// <summary>One key per export, under the tenant's prefix: a re-run of the same export overwrites it.</summary>
    public static string ExportKey(string databaseName, Guid exportId) => $"{StorageKeys.TenantPrefix(databaseName)}exports/{exportId:N}.zip";
}
