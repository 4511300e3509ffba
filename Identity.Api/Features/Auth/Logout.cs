namespace Identity.Api.Features.Auth;

public static class Logout
{
    /// <summary>Optional body: the client's refresh token, whose session is revoked too if it is another one.</summary>
    public sealed record LogoutRequest(string? RefreshToken);

    public static async Task<Ok<AuthEnvelope>> HandleAsync(
        ClaimsPrincipal user,
        HttpContext context,
        RefreshTokenReader reader,
        SessionService sessions,
        [FromBody] LogoutRequest? body,
        CancellationToken cancellationToken)
    {
        var userId = user.UserId();
        var jti = Guid.Parse(user.FindFirstValue(JwtRegisteredClaimNames.Jti)!);
        var expiresAt = DateTimeOffset.FromUnixTimeSeconds(long.Parse(user.FindFirstValue(JwtRegisteredClaimNames.Exp)!,
            System.Globalization.CultureInfo.InvariantCulture));
        List<Guid> sessionIds = [Guid.Parse(user.FindFirstValue(TokenClaims.Session)!)];

        if (body?.RefreshToken is { Length: > 0 } refreshToken)
        {
            // Only the caller's own refresh token counts; an invalid or already revoked one changes nothing.
            var (refresh, _) = await reader.ReadAsync(refreshToken, cancellationToken);
            if (refresh is not null && refresh.UserId == userId)
            {
                sessionIds.Add(refresh.SessionId);
            }
        }

        await sessions.LogoutAsync(userId, jti, expiresAt, sessionIds, context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        return TypedResults.Ok(AuthEnvelope.Of("Logged out successfully"));
    }
}
