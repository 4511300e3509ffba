using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;
using SaasPlatform.ServiceDefaults.Auth;

namespace SaasPlatform.UnitTests.ServiceDefaults;

public sealed class CachingTokenHandlerTests
{
    private static readonly ECDsaSecurityKey Key = new(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "k1" };

    [Fact]
    public async Task A_valid_token_is_verified_once_until_it_expires()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var handler = new CachingTokenHandler(time);
        var token = Sign(DateTime.UtcNow.AddMinutes(15));
        var resolved = 0;
        var parameters = Parameters(() => resolved++);

        var first = await handler.ValidateTokenAsync(token, parameters);
        var second = await handler.ValidateTokenAsync(token, parameters.Clone()); // the bearer handler clones per request

        Assert.True(first.IsValid);
        Assert.True(second.IsValid);
        Assert.Equal(1, resolved); // the signature was checked once
        Assert.Equal("user-1", second.ClaimsIdentity.FindFirst("sub")?.Value);
        Assert.NotSame(first.ClaimsIdentity, second.ClaimsIdentity); // each request gets its own identity

        time.Advance(TimeSpan.FromMinutes(16)); // past its expiry the cache no longer vouches for it
        await handler.ValidateTokenAsync(token, parameters);
        Assert.Equal(2, resolved);
    }

    [Fact]
    public async Task An_invalid_token_is_never_remembered()
    {
        var handler = new CachingTokenHandler(TimeProvider.System);
        var token = Sign(DateTime.UtcNow.AddMinutes(15));
        var tampered = token[..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA");
        var resolved = 0;

        Assert.False((await handler.ValidateTokenAsync(tampered, Parameters(() => resolved++))).IsValid);
        Assert.False((await handler.ValidateTokenAsync(tampered, Parameters(() => resolved++))).IsValid);
        Assert.Equal(2, resolved);
        Assert.False((await handler.ValidateTokenAsync(Sign(DateTime.UtcNow.AddMinutes(-5)), Parameters(() => { }))).IsValid);
    }

    private static string Sign(DateTime expires) => new CachingTokenHandler(TimeProvider.System).CreateToken(new SecurityTokenDescriptor
    {
        Subject = new ClaimsIdentity([new Claim("sub", "user-1")]),
        Issuer = "issuer",
        Audience = "audience",
        NotBefore = expires.AddMinutes(-20),
        IssuedAt = expires.AddMinutes(-20),
        Expires = expires,
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.EcdsaSha256),
    });

    private static TokenValidationParameters Parameters(Action onResolve) => new()
    {
        ValidIssuer = "issuer",
        ValidAudience = "audience",
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ClockSkew = TimeSpan.Zero,
        IssuerSigningKeyResolver = (_, _, _, _) =>
        {
            onResolve();
            return [Key];
        },
    };
}
