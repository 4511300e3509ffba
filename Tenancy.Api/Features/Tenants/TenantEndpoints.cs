using Tenancy.Api.Features.Members;

namespace Tenancy.Api.Features.Tenants;

public static class TenantEndpoints
{
    public static IEndpointRouteBuilder MapTenantEndpoints(this IEndpointRouteBuilder app)
    {
        var tenants = app.MapGroup("/api/tenants").WithTags("Tenants");
        tenants.MapGet("/health", TenantsHealth.Handle).AllowAnonymous();
        tenants.MapGet("", ListTenants.HandleAsync).RequireAuthorization();
        tenants.MapPost("", CreateTenant.HandleAsync).RequireAuthorization();
        tenants.MapGet("/{tenantId:guid}", GetTenant.HandleAsync).RequireAuthorization();
        tenants.MapPut("/{tenantId:guid}", UpdateTenant.HandleAsync).RequireAuthorization();
        tenants.MapDelete("/{tenantId:guid}", DeleteTenant.HandleAsync).RequireAuthorization();
        tenants.MapPost("/{tenantId:guid}/users", AddMember.HandleAsync).RequireAuthorization();
        tenants.MapDelete("/{tenantId:guid}/users/{userId:guid}", RemoveMember.HandleAsync).RequireAuthorization();

        app.MapGet("/api/users/me/tenants", ListMyTenants.HandleAsync).WithTags("Tenants").RequireAuthorization();
        return app;
    }
}
