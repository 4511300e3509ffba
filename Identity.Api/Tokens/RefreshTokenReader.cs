using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace Identity.Api.Tokens;

public sealed record RefreshTokenClaims(Guid UserId, Guid Jti, Guid SessionId, DateTimeOffset ExpiresAt);

/// <summary>
/// Validates a refresh token with exactly the parameters the bearer scheme uses for access tokens (same keys,
/// issuer, audience, algorithm, skew), then requires <c>type=refresh</c> and checks the revocation list.
/// </summary>
public sealed class RefreshTokenReader(IOptionsMonitor<JwtBearerOptions> bearerOptions, RevocationList revocations)
{
    private static readonly JsonWebTokenHandler Handler = new();

    /// <summary>The token of an <c>Authorization: Bearer</c> header, or null.</summary>
    public static string? FromHeader(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && header.Length > prefix.Length
            ? header[prefix.Length..].Trim()
            : null;
    }

    public async Task<(RefreshTokenClaims? Claims, ApiError? Error)> ReadAsync(string? token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            return (null, ApiError.Unauthorized("Missing Authorization Header"));
        }

        var parameters = bearerOptions.Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;
        var result = await Handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            return (null, result.Exception is SecurityTokenExpiredException
                ? ApiError.Unauthorized("Token has expired", ErrorCodes.TokenExpired)
                : ApiError.Unauthorized("Invalid token", ErrorCodes.InvalidToken));
        }

        string? Claim(string name) => result.Claims.TryGetValue(name, out var value) ? value as string : null;
        if (Claim(TokenClaims.Type) != TokenClaims.RefreshType)
        {
            return (null, ApiError.Unauthorized("Only refresh tokens are allowed", ErrorCodes.InvalidToken));
        }

        if (!Guid.TryParse(Claim(JwtRegisteredClaimNames.Sub), out var userId)
            || !Guid.TryParse(Claim(JwtRegisteredClaimNames.Jti), out var jti)
            || !Guid.TryParse(Claim(TokenClaims.Session), out var sessionId))
        {
            return (null, ApiError.Unauthorized("Invalid token", ErrorCodes.InvalidToken));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        await revocations.WaitForFirstSyncAsync(timeout.Token);
        // The user itself is not checked here: refresh answers a deactivated or deleted user with 403/404.
        if (revocations.IsRevoked(jti.ToString(), sessionId.ToString(), userId: null))
        {
            return (null, ApiError.Unauthorized("Token has been revoked", ErrorCodes.TokenRevoked));
        }

        return (new RefreshTokenClaims(userId, jti, sessionId, new DateTimeOffset(result.SecurityToken.ValidTo, TimeSpan.Zero)), null);
    }
}
