using SaasPlatform.ServiceDefaults.Auth;
using Tenancy.Api.Features.Quotas;

namespace Tenancy.Api.Features.Internal;

/// <summary>Service-to-service endpoints (never routed by the gateway).</summary>
public static class InternalEndpoints
{
    public static IEndpointRouteBuilder MapInternalEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/internal").RequireInternalCaller().WithTags("Internal").ExcludeFromDescription();
        group.MapGet("/tenants/{tenantId:guid}/members/{userId:guid}", GetMembership.HandleAsync);
        group.MapGet("/tenants/{tenantId:guid}/members", ListTenantMembers.HandleAsync);
        group.MapGet("/users/{userId:guid}/tenants", ListUserTenants.HandleAsync);
        group.MapTenantQuotaEndpoints();
        group.MapGet("/tenant-databases", ListTenantDatabases.HandleAsync);
        group.MapGet("/tenant-databases/{databaseName}", ListTenantDatabases.HandleOneAsync);
        group.MapGet("/changes", StreamChanges.HandleAsync);
        return app;
    }
}
