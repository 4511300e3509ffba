namespace Tenancy.Api.Features.Tenants;

public static class ListMyTenants
{
    /// <remarks><c>GET /api/users/me/tenants</c>: as <c>GET /api/tenants</c>, and 404 once the user row is gone.</remarks>
    public static async Task<Results<Ok<SuccessEnvelope<List<TenantView>>>, ApiError>> HandleAsync(
        ClaimsPrincipal principal, TenancyDbContext db, TenantCache cache, IdentityUsers users, CancellationToken cancellationToken)
    {
        var userId = principal.UserId();
        if (await users.GetAsync(userId, cancellationToken) is null)
        {
            return ApiError.NotFound("User not found");
        }

        return ApiResults.Ok("User tenants retrieved successfully", await ListTenants.LoadAsync(db, cache, userId, cancellationToken));
    }
}
