using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.TenancyClient;
using SaasPlatform.TenantSchema;

namespace Events.Worker.Features.Audit;

public static class AuditEndpoints
{
    public static IEndpointRouteBuilder MapAuditEndpoints(this IEndpointRouteBuilder app)
    {
        var tenant = app.MapGroup("/api/tenants/{tenantId}").WithTags("Audit").RequireTenantMember();
        tenant.MapGet("/audit", GetTenantAudit.HandleAsync).RequireTenantRole(TenantRole.Admin)
            .WithName("GetTenantAudit").WithSummary("A tenant's audit log, newest first (admin)");

        // Operators only: the internal key, and the gateway never routes /internal (docs/decisions/security-log.md).
        app.MapGroup("/internal").RequireInternalCaller().ExcludeFromDescription()
            .MapGet("/security-log", GetSecurityLog.HandleAsync).WithName("GetSecurityLog");
        return app;
    }
}
