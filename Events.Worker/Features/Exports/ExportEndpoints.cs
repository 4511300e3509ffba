using SaasPlatform.TenancyClient;

namespace Events.Worker.Features.Exports;

public static class ExportEndpoints
{
    public static IEndpointRouteBuilder MapExportEndpoints(this IEndpointRouteBuilder app)
    {
        // Exports hold every document of the tenant: admins only, like the audit log.
        var exports = app.MapGroup("/api/tenants/{tenantId}/exports").WithTags("Exports").RequireTenantMember();
        exports.MapPost("", RequestExport.HandleAsync).RequireTenantRole(TenantRole.Admin)
            .WithName("RequestTenantExport").WithSummary("Start an export of the tenant into one archive (admin)");
        exports.MapGet("", ListExports.HandleAsync).RequireTenantRole(TenantRole.Admin)
            .WithName("ListTenantExports").WithSummary("The tenant's exports, newest first (admin)");
        exports.MapGet("/{exportId:guid}", GetExport.HandleAsync).RequireTenantRole(TenantRole.Admin)
            .WithName("GetTenantExport").WithSummary("An export's status and, once ready, a presigned download link (admin)");
        return app;
    }
}
