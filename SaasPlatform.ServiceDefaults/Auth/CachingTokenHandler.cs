using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SaasPlatform.ServiceDefaults.Auth;

/// <summary>
/// Remembers access tokens whose signature and claims validated, until they expire, so a client repeating its token
/// costs one dictionary lookup instead of an ECDSA verification per request. Only successes are kept; the
/// revocation list is still checked on every request (<c>OnTokenValidated</c>), so a logout or deactivation takes
/// effect exactly as before. Each request gets its own copy of the identity.
/// </summary>
public sealed class CachingTokenHandler(TimeProvider time, int maxEntries = 100_000) : JsonWebTokenHandler
{
    private readonly ConcurrentDictionary<string, Validated> _validated = new(StringComparer.Ordinal);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (_validated.TryGetValue(token, out var known))
        {
            if (now < known.ExpiresAt)
            {
                return new TokenValidationResult
                {
                    IsValid = true,
                    ClaimsIdentity = known.Identity.Clone(),
                    SecurityToken = known.Token,
                    TokenType = known.TokenType,
                    Issuer = known.Issuer,
                };
            }

            _validated.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is JsonWebToken jwt && jwt.ValidTo > now)
        {
            if (_validated.Count >= maxEntries)
            {
                Trim(now);
            }

            _validated[token] = new Validated(result.ClaimsIdentity.Clone(), jwt, result.TokenType, result.Issuer, jwt.ValidTo);
        }

        return result;
    }

    private void Trim(DateTime now)
    {
        foreach (var (token, entry) in _validated)
        {
            if (entry.ExpiresAt <= now)
            {
                _validated.TryRemove(token, out _);
            }
        }

        if (_validated.Count >= maxEntries)
        {
            _validated.Clear();
        }
    }

    // One handler per options instance: reloaded options (another issuer or audience) start with an empty cache.
    private sealed record Validated(ClaimsIdentity Identity, JsonWebToken Token,
        string? TokenType, string? Issuer, DateTime ExpiresAt);
}
