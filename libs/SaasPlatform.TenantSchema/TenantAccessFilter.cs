using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.TenancyClient;

namespace SaasPlatform.TenantSchema;

/// <summary>
/// The one door of tenant requests: resolves the caller's membership in the route's <c>{tenantId}</c> once, against the
/// minimum role of the endpoint's <see cref="TenantRoleRequirement"/>, and fills the request's <see cref="TenantScope"/>.
/// 404 when the id is malformed, the tenant is missing or inactive, or the caller is not a member (never 403, which
/// would leak existence); 403 when the role is too low (docs/decisions/tenant-access-filter.md).
/// </summary>
internal sealed class TenantAccessFilter(TenantAccessChecker checker) : IEndpointFilter
{
    private static readonly ApiError NotFound = ApiError.NotFound("Tenant not found or access denied");

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var requirement = http.GetEndpoint()?.Metadata.GetMetadata<TenantRoleRequirement>() ?? TenantRoleRequirement.Member;
        var userId = http.User.UserId();
        var membership = Guid.TryParse(http.Request.RouteValues["tenantId"] as string, out var tenantId)
            ? await checker.FindAsync(tenantId, userId, http.RequestAborted)
            : null;
        if (membership is null)
        {
            return NotFound;
        }

        if (!membership.TenantRole.Includes(requirement.Minimum))
        {
            return ApiError.Forbidden(requirement.ForbiddenMessage);
        }

        var scope = http.RequestServices.GetRequiredService<TenantScope>();
        scope.Enter(userId, membership);
        try
        {
            return await next(context);
        }
        finally
        {
            // The tenant connection goes back to its pool now, not after a long download has been written.
            await scope.DisposeAsync();
        }
    }
}

/// <summary>The least role an endpoint of a tenant group requires; the most specific one (the endpoint's) wins.</summary>
public sealed record TenantRoleRequirement(TenantRole Minimum, string? Message = null)
{
    internal static readonly TenantRoleRequirement Member = new(TenantRole.Viewer);

    public string ForbiddenMessage => Message ?? Minimum switch
    {
        TenantRole.Admin => "Admin role required for this operation",
        TenantRole.User => "User role or higher required for this operation",
        _ => "You do not have permission to perform this action",
    };
}

public static class TenantAccessEndpoints
{
    /// <summary>
    /// Every endpoint of <paramref name="group"/> (whose route has <c>{tenantId}</c>) serves one tenant's data to an
    /// authenticated member: viewer at least, unless the endpoint asks more with <see cref="RequireTenantRole"/>.
    /// </summary>
    public static RouteGroupBuilder RequireTenantMember(this RouteGroupBuilder group)
    {
        group.RequireAuthorization().AddEndpointFilter<TenantAccessFilter>();
        return group.WithMetadata(TenantRoleRequirement.Member);
    }

    /// <summary>The least role this endpoint requires, and optionally the message of its 403.</summary>
    public static TBuilder RequireTenantRole<TBuilder>(this TBuilder builder, TenantRole minimum, string? forbiddenMessage = null)
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new TenantRoleRequirement(minimum, forbiddenMessage));
}
