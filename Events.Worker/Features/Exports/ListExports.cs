using Microsoft.AspNetCore.Http.HttpResults;
using SaasPlatform.ServiceDefaults.Http;

namespace Events.Worker.Features.Exports;

public static class ListExports
{
    /// <remarks>
    /// <c>GET /api/tenants/{tenantId}/exports</c> (admin): the tenant's 50 latest exports, newest first, without links
    /// (ask one export for its link).
    /// </remarks>
    public static async Task<Ok<SuccessEnvelope<List<ExportView>>>> HandleAsync(
        TenantScope tenant, EventsDbContext db, CancellationToken cancellationToken)
    {
        var tenantId = tenant.TenantId;
        var exports = await db.TenantExports.AsNoTracking().Where(e => e.TenantId == tenantId)
            .OrderByDescending(e => e.RequestedAt).Take(50).ToListAsync(cancellationToken);
        return ApiResults.Ok("Exports retrieved successfully", exports.Select(e => ExportView.From(e)).ToList());
    }
}
