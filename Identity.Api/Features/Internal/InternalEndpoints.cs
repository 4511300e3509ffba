using SaasPlatform.ServiceDefaults.Auth;

namespace Identity.Api.Features.Internal;

/// <summary>Service-to-service endpoints (never routed by the gateway).</summary>
public static class InternalEndpoints
{
    public static IEndpointRouteBuilder MapInternalEndpoints(this IEndpointRouteBuilder app)
    {
        var internalApi = app.MapGroup("/internal").RequireInternalCaller().WithTags("Internal").ExcludeFromDescription();
        internalApi.MapGet("/users/{id:guid}", InternalUsers.GetAsync).WithName("GetUser");
        internalApi.MapGet("/users/by-email", InternalUsers.GetByEmailAsync).WithName("GetUserByEmail");
        internalApi.MapPost("/users/lookup", InternalUsers.LookupAsync).WithName("LookupUsers");
        internalApi.MapPost("/users/{id:guid}/deactivate", InternalUsers.DeactivateAsync).WithName("DeactivateUser");
        internalApi.MapGet("/revocations", RevocationFeed.HandleAsync).WithName("ReadRevocations");
        return app;
    }
}
