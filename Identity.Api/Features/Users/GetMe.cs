namespace Identity.Api.Features.Users;

public static class GetMe
{
    public static async Task<Results<Ok<SuccessEnvelope<UserResponse>>, ApiError>> HandleAsync(
        ClaimsPrincipal principal, IdentityDbContext db, UserCache users, CancellationToken cancellationToken)
    {
        // From memory while the row is unchanged (UserCache); a change on any replica drops it within milliseconds.
        var user = await users.GetAsync(db, principal.UserId(), cancellationToken);
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
}
