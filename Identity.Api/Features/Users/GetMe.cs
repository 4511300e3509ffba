using System.Security.Claims;
using Identity.Api.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;

namespace Identity.Api.Features.Users;

public static class GetMe
{
    public static RouteGroupBuilder MapGetMe(this RouteGroupBuilder group)
    {
        group.MapGet("/me", HandleAsync).RequireAuthorization().WithName("GetCurrentUser");
        return group;
    }

    public static async Task<Results<Ok<SuccessEnvelope<UserResponse>>, ApiError>> HandleAsync(
        ClaimsPrincipal principal, IdentityDbContext db, CancellationToken cancellationToken)
    {
        var user = await UserById(db, principal.UserId(), cancellationToken);
        if (user is null)
        {
            return ApiError.NotFound("User not found");
        }

        // The revocation feed refuses a deactivated user's tokens within one poll; this closes that gap here.
        if (!user.IsActive)
        {
            return ApiError.Unauthorized("Token has been revoked", ErrorCodes.TokenRevoked);
        }

        return ApiResults.Ok("User profile retrieved successfully", user);
    }

    /// <summary>
    /// The hottest read of the platform: compiled once (no expression-tree lookup per request), untracked, and only the
    /// columns of the response (never the password hash).
    /// </summary>
    private static readonly Func<IdentityDbContext, Guid, CancellationToken, Task<UserResponse?>> UserById =
        EF.CompileAsyncQuery((IdentityDbContext db, Guid id, CancellationToken _) => db.Users.AsNoTracking()
            .Where(u => u.Id == id)
            .Select(u => new UserResponse(u.Id, u.FirstName, u.LastName, u.Email, u.IsActive, u.CreatedAt, u.UpdatedAt))
            .SingleOrDefault());
}
