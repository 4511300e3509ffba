using Tenancy.Api.Features.Members;

namespace Tenancy.Api.Features.Tenants;

public static class TenantEndpoints
{
    public static IEndpointRouteBuilder MapTenantEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenants/health", TenantsHealth.Handle).WithTags("Tenants").AllowAnonymous()
            .WithName("TenantsHealth").WithSummary("Tenants API health (no auth)");

        var tenants = app.MapGroup("/api/tenants").WithTags("Tenants").RequireAuthorization();
        tenants.MapGet("", ListTenants.HandleAsync)
            .WithName("ListTenants").WithSummary("The caller's active tenants with role and joined_at");
        tenants.MapPost("", CreateTenant.HandleAsync)
            .WithName("CreateTenant").WithSummary("Create a tenant (and its database); the caller becomes its admin");
        tenants.MapGet("/{tenantId:guid}", GetTenant.HandleAsync)
            .WithName("GetTenant").WithSummary("A tenant the caller is a member of, with its members");
        tenants.MapPut("/{tenantId:guid}", UpdateTenant.HandleAsync)
            .WithName("UpdateTenant").WithSummary("Rename a tenant (admin)");
        tenants.MapDelete("/{tenantId:guid}", DeleteTenant.HandleAsync)
            .WithName("DeleteTenant").WithSummary("Delete a tenant (admin, soft: its data stays)");
        tenants.MapPost("/{tenantId:guid}/users", AddMember.HandleAsync)
            .WithName("AddTenantMember").WithSummary("Add a member with a role (admin)");
        tenants.MapDelete("/{tenantId:guid}/users/{userId:guid}", RemoveMember.HandleAsync)
            .WithName("RemoveTenantMember").WithSummary("Remove a member from a tenant (admin)");

        app.MapGet("/api/users/me/tenants", ListMyTenants.HandleAsync).WithTags("Tenants").RequireAuthorization()
            .WithName("ListMyTenants").WithSummary("The caller's active tenants (404 once the user is gone)");
        return app;
    }
}
