using System.Security.Cryptography;
using System.Text.Json;
using Identity.Api.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SaasPlatform.ServiceDefaults.Auth;

namespace SaasPlatform.UnitTests.Identity.Api;

public sealed class TokenIssuerTests
{
    private static readonly string Pem = CreatePem();
    private readonly JwtSettings _settings = new();

    [Fact]
    public void Access_token_carries_every_claim_with_the_configured_lifetime()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var issuer = Issuer(new TokenSigningKeys(Pem), time);
        var userId = Guid.NewGuid();
        var sessionId = Guid.NewGuid();

        var issued = issuer.CreateAccessToken(userId, sessionId);

        var jwt = new JsonWebToken(issued.Token);
        Assert.Equal(userId.ToString(), jwt.Subject);
        Assert.Equal(issued.Jti.ToString(), jwt.Id);
        Assert.Equal("access", jwt.GetClaim("type").Value);
        Assert.Equal(sessionId.ToString(), jwt.GetClaim("sid").Value);
        Assert.Equal(_settings.Issuer, jwt.Issuer);
        Assert.Equal([_settings.Audience], jwt.Audiences);
        Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds(), long.Parse(jwt.GetClaim("iat").Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(jwt.IssuedAt, jwt.ValidFrom);
        Assert.Equal(TimeSpan.FromMinutes(15), jwt.ValidTo - jwt.IssuedAt);
        Assert.Equal("ES256", jwt.Alg);
    }

    [Fact]
    public void Refresh_token_has_its_own_type_and_lifetime()
    {
        var issuer = Issuer(new TokenSigningKeys(Pem), new FakeTimeProvider(DateTimeOffset.UtcNow));

        var jwt = new JsonWebToken(issuer.CreateRefreshToken(Guid.NewGuid(), Guid.NewGuid()).Token);

        Assert.Equal("refresh", jwt.GetClaim("type").Value);
        Assert.Equal(TimeSpan.FromDays(7), jwt.ValidTo - jwt.IssuedAt);
    }

    [Fact]
    public void No_token_outlives_the_limit_it_is_given()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var issuer = Issuer(new TokenSigningKeys(Pem), time);
        var sessionEnd = time.GetUtcNow().AddHours(2).AddMilliseconds(700);

        var refresh = issuer.CreateRefreshToken(Guid.NewGuid(), Guid.NewGuid(), sessionEnd);
        var access = issuer.CreateAccessToken(Guid.NewGuid(), Guid.NewGuid(), sessionEnd);

        // Cut to the whole second at or before the limit; a limit beyond the lifetime changes nothing.
        Assert.Equal(sessionEnd.ToUnixTimeSeconds(), refresh.ExpiresAt.ToUnixTimeSeconds());
        Assert.Equal(refresh.ExpiresAt, new DateTimeOffset(new JsonWebToken(refresh.Token).ValidTo, TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromMinutes(15), access.ExpiresAt - access.IssuedAt);
    }

    [Fact]
    public void Kid_is_the_stable_RFC7638_thumbprint_of_the_public_key()
    {
        var first = new TokenSigningKeys(Pem);
        var second = new TokenSigningKeys(Pem);
        var other = new TokenSigningKeys(CreatePem());

        var jwt = new JsonWebToken(Issuer(first, TimeProvider.System).CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token);

        Assert.Equal(first.SigningKey.KeyId, second.SigningKey.KeyId);
        Assert.NotEqual(first.SigningKey.KeyId, other.SigningKey.KeyId);
        Assert.Equal(first.SigningKey.KeyId, jwt.Kid);
        // The same thumbprint the IdentityModel library computes for the published JWK.
        var jwk = new JsonWebKeySet(JsonSerializer.Serialize(first.ToJwks(), Microsoft.Extensions.Hosting.Extensions.WireJson)).Keys.Single();
        Assert.Equal(first.SigningKey.KeyId, Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint()));
    }

    [Fact]
    public async Task Signature_verifies_against_the_published_JWKS_as_other_services_read_it()
    {
        var keys = new TokenSigningKeys(Pem);
        var token = Issuer(keys, TimeProvider.System).CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token;
        var json = JsonSerializer.Serialize(keys.ToJwks(), Microsoft.Extensions.Hosting.Extensions.WireJson);

        // Exactly what JwksSigningKeySource does with the document.
        var published = new JsonWebKeySet(json).GetSigningKeys();
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters(published));

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.DoesNotContain("\"d\"", json, StringComparison.Ordinal); // public halves only
    }

    [Fact]
    public async Task A_token_signed_with_another_key_does_not_verify()
    {
        var token = Issuer(new TokenSigningKeys(CreatePem()), TimeProvider.System).CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token;
        var published = new JsonWebKeySet(JsonSerializer.Serialize(new TokenSigningKeys(Pem).ToJwks(),
            Microsoft.Extensions.Hosting.Extensions.WireJson)).GetSigningKeys();

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters(published));

        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        var keys = new TokenSigningKeys(Pem);
        var issuedAnHourAgo = new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1));
        var token = Issuer(keys, issuedAnHourAgo).CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token;

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, Parameters(keys.GetKeys(null)));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception);
    }

    [Fact]
    public void A_retired_key_stays_published_and_accepted_during_rotation()
    {
        var retired = CreatePem();
        var keys = new TokenSigningKeys(Pem, [retired]);
        var retiredKid = new TokenSigningKeys(retired).SigningKey.KeyId;

        Assert.Equal(2, keys.ToJwks().Keys.Count);
        Assert.Single(keys.GetKeys(retiredKid));
        Assert.Empty(keys.GetKeys("unknown"));
    }

    [Fact]
    public void A_missing_or_non_P256_key_is_refused_at_start_up()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        Assert.Throws<InvalidOperationException>(() => new TokenSigningKeys(p384.ExportPkcs8PrivateKeyPem()));
        Assert.Throws<InvalidOperationException>(() => new TokenSigningKeys("not a pem"));
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Throws<InvalidOperationException>(() => new TokenSigningKeys(p256.ExportSubjectPublicKeyInfoPem()));
    }

    private TokenIssuer Issuer(TokenSigningKeys keys, TimeProvider time) => new(keys, Options.Create(_settings), time);

    /// <summary>The parameters every service validates with (production's own method), over the given keys.</summary>
    private TokenValidationParameters Parameters(IEnumerable<SecurityKey> keys) =>
        AuthenticationExtensions.CreateValidationParameters(_settings, new FixedKeys([.. keys]));

    private sealed class FixedKeys(IReadOnlyList<SecurityKey> keys) : ISigningKeySource
    {
        public IEnumerable<SecurityKey> GetKeys(string? keyId) => keys.Where(k => keyId is null || k.KeyId == keyId);
    }

    private static string CreatePem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }
}
