namespace Identity.Api.Tokens;

public sealed record IssuedToken(string Token, Guid Jti, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>Creates the platform's tokens (decision D6): ES256, <c>kid</c>, and the claims every validator relies on.</summary>
public sealed class TokenIssuer(TokenSigningKeys keys, IOptions<JwtSettings> settings, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public TimeSpan RefreshLifetime => settings.Value.RefreshTokenLifetime;

    /// <param name="notAfter">The latest expiry allowed (the session's absolute end); the lifetime is cut to it.</param>
    public IssuedToken CreateAccessToken(Guid userId, Guid sessionId, DateTimeOffset? notAfter = null) =>
        Create(userId, sessionId, TokenClaims.AccessType, settings.Value.AccessTokenLifetime, notAfter);

    /// <param name="notAfter">The latest expiry allowed (the session's absolute end); the lifetime is cut to it.</param>
    public IssuedToken CreateRefreshToken(Guid userId, Guid sessionId, DateTimeOffset? notAfter = null) =>
        Create(userId, sessionId, TokenClaims.RefreshType, settings.Value.RefreshTokenLifetime, notAfter);

    private IssuedToken Create(Guid userId, Guid sessionId, string type, TimeSpan lifetime, DateTimeOffset? notAfter)
    {
        // JWT times are whole seconds; truncate so what is stored matches what the token says.
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + lifetime;
        if (notAfter is { } limit && limit < expires)
        {
            expires = DateTimeOffset.FromUnixTimeSeconds(limit.ToUnixTimeSeconds());
        }
        var jti = Guid.NewGuid();
        var token = Handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Value.Issuer,
            Audience = settings.Value.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = userId.ToString(),
                [JwtRegisteredClaimNames.Jti] = jti.ToString(),
                [TokenClaims.Type] = type,
                [TokenClaims.Session] = sessionId.ToString(),
            },
            SigningCredentials = new SigningCredentials(keys.SigningKey, SecurityAlgorithms.EcdsaSha256),
        });
        return new IssuedToken(token, jti, now, expires);
    }
}
