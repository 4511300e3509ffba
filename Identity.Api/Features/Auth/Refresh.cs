namespace Identity.Api.Features.Auth;

public static class Refresh
{
    public static async Task<Results<Ok<AuthEnvelope>, ApiError>> HandleAsync(
        HttpContext context,
        RefreshTokenReader reader,
        IdentityDbContext db,
        SessionService sessions,
        CancellationToken cancellationToken)
    {
        var (token, error) = await reader.ReadAsync(RefreshTokenReader.FromHeader(context.Request), cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var user = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Id == token!.UserId, cancellationToken);
        if (user is null)
        {
            return new ApiError(StatusCodes.Status404NotFound, "user_not_found", "User account not found");
        }

        if (!user.IsActive)
        {
            return new ApiError(StatusCodes.Status403Forbidden, ErrorCodes.AccountInactive, "Your account has been deactivated");
        }

        var (outcome, tokens) = await sessions.RotateAsync(token!, context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return outcome switch
        {
            RotationOutcome.Rotated => TypedResults.Ok(AuthEnvelope.Of("Token refreshed successfully", new AuthPayload
            {
                AccessToken = tokens!.Access.Token,
                RefreshToken = tokens.Refresh.Token,
            })),
            RotationOutcome.Reused => ApiError.Unauthorized(
                "Refresh token was already used; the session has been revoked", ErrorCodes.TokenRevoked),
            RotationOutcome.Expired => ApiError.Unauthorized(
                "Session has reached its maximum lifetime; please log in again", ErrorCodes.TokenExpired),
            _ => ApiError.Unauthorized("Invalid token", ErrorCodes.InvalidToken),
        };
    }
}
