using Events.Worker.Features.TenantArchives;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.Storage;

namespace Events.Worker.Features.Exports;

public static class GetExport
{
    public const int MaxWaitSeconds = 60;

    /// <remarks>
    /// <c>GET /api/tenants/{tenantId}/exports/{exportId}</c> (admin): the export's status (<c>pending</c>,
    /// <c>running</c>, <c>ready</c>, <c>failed</c>) and, once ready, a presigned <c>download_url</c> for the archive,
    /// valid for <c>TenantArchives:LinkLifetime</c>. Another tenant's export is a 404 like a missing one.
    /// <c>wait_seconds</c> (0..60, default 0) long-polls: the answer comes as soon as the export is ready or failed, or
    /// when the time is up, so a client need not poll in a loop.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<ExportView>>, ApiError>> HandleAsync(
        Guid exportId, [FromQuery(Name = "wait_seconds")] string? waitSeconds, TenantScope tenant, EventsDbContext db,
        ObjectStorage storage, IOptions<TenantArchiveOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var wait = 0;
        if (!string.IsNullOrWhiteSpace(waitSeconds)
            && (!int.TryParse(waitSeconds, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out wait)
                || wait is < 0 or > MaxWaitSeconds))
        {
            return ApiError.Validation("wait_seconds", $"wait_seconds must be between 0 and {MaxWaitSeconds}");
        }

        var tenantId = tenant.TenantId;
        var until = time.GetUtcNow().AddSeconds(wait);
        TenantExport? export;
        while (true)
        {
            export = await db.TenantExports.AsNoTracking()
                .SingleOrDefaultAsync(e => e.Id == exportId && e.TenantId == tenantId, cancellationToken);
            if (export is null)
            {
                return ApiError.NotFound("Export not found");
            }

            if (export.Status is TenantExportStatus.Ready or TenantExportStatus.Failed || time.GetUtcNow() >= until)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, cancellationToken);
        }

        return ApiResults.Ok("Export retrieved successfully", ExportView.From(export, await LinkAsync(storage, export, options.Value)));
    }

    /// <summary>A fresh presigned link to a ready export's archive (null before).</summary>
    public static async Task<(Uri Url, DateTime ExpiresAtUtc)?> LinkAsync(ObjectStorage storage, TenantExport export, TenantArchiveOptions options) =>
        export.Status == TenantExportStatus.Ready
            ? await storage.PresignGetAsync(export.ObjectKey, options.LinkLifetime, $"attachment; filename=\"tenant-export-{export.Id:N}.zip\"", "application/zip")
            : null;
}
