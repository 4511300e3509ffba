using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SaasPlatform.ServiceDefaults.Auth;

namespace Identity.Api.Tokens;

public sealed record IssuedToken(string Token, Guid Jti, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>Creates the platform's tokens (decision D6): ES256, <c>kid</c>, and the claims every validator relies on.</summary>
public sealed class TokenIssuer(TokenSigningKeys keys, IOptions<JwtSettings> settings, TimeProvider time)
{
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public TimeSpan RefreshLifetime => settings.Value.RefreshTokenLifetime;

    public IssuedToken CreateAccessToken(Guid userId, Guid sessionId) =>
        Create(userId, sessionId, TokenClaims.AccessType, settings.Value.AccessTokenLifetime);

    public IssuedToken CreateRefreshToken(Guid userId, Guid sessionId) =>
        Create(userId, sessionId, TokenClaims.RefreshType, settings.Value.RefreshTokenLifetime);

    private IssuedToken Create(Guid userId, Guid sessionId, string type, TimeSpan lifetime)
    {
        // JWT times are whole seconds; truncate so what is stored matches what the token says.
        var now = DateTimeOffset.FromUnixTimeSeconds(time.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + lifetime;
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
