using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Identity.Api.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SaasPlatform.ServiceDefaults.Auth;

namespace SaasPlatform.UnitTests.Identity.Api;

/// <summary>
/// Hostile tokens against the validation every service runs: the services are registered by the production
/// <c>AddTokenValidation</c> and each token goes through the real JWT bearer handler (parameters, events and all),
/// exactly as a request's <c>Authorization</c> header does. Only the key source is Identity's own (no HTTP).
/// </summary>
public sealed class TokenValidationTests : IDisposable
{
    private static readonly string Pem = CreatePem();
    private readonly TokenSigningKeys _keys = new(Pem);
    private readonly IHost _host;

    public TokenValidationTests()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<ISigningKeySource>(_keys);
        builder.Services.AddSingleton<IRevocationFeed, NoRevocations>();
        builder.AddTokenValidation();
        _host = builder.Build();
        // As after a complete poll of the feed (nothing revoked): a view older than Jwt:RevocationMaxStaleness (5 s)
        // would refuse every token with "Revocations are not current" (fail closed).
        var revocations = _host.Services.GetRequiredService<RevocationList>();
        revocations.Apply(new RevocationPage([], 0), DateTimeOffset.UtcNow);
        revocations.RecordPoll(DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task A_genuine_access_token_is_accepted()
    {
        var userId = Guid.NewGuid();

        var result = await AuthenticateAsync(Issuer().CreateAccessToken(userId, Guid.NewGuid()).Token);

        Assert.True(result.Succeeded, result.Failure?.Message);
        Assert.Equal(userId, result.Principal!.UserId());
    }

    [Fact]
    public async Task A_genuine_token_is_not_trusted_when_the_revocation_feed_has_not_been_read_lately()
    {
        _host.Services.GetRequiredService<RevocationList>().RecordPoll(DateTimeOffset.UtcNow - TimeSpan.FromSeconds(6));

        var result = await AuthenticateAsync(Issuer().CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token);

        Assert.False(result.Succeeded);
        Assert.Equal("Revocations are not current", result.Failure?.Message);
    }

    [Fact]
    public void Production_parameters_allow_ES256_only_and_require_signature_and_expiry()
    {
        var parameters = _host.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>()
            .Get(JwtBearerDefaults.AuthenticationScheme).TokenValidationParameters;

        Assert.Equal([SecurityAlgorithms.EcdsaSha256], parameters.ValidAlgorithms);
        Assert.True(parameters.RequireSignedTokens);
        Assert.True(parameters.RequireExpirationTime);
        Assert.True(parameters.ValidateIssuer && parameters.ValidateAudience && parameters.ValidateLifetime);
        Assert.Equal(TimeSpan.FromSeconds(30), parameters.ClockSkew);
    }

    [Fact]
    public async Task Alg_none_is_refused()
    {
        var genuine = Issuer().CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token.Split('.');
        var header = Base64UrlEncoder.Encode($$"""{"alg":"none","typ":"JWT","kid":"{{_keys.SigningKey.KeyId}}"}""");

        await AssertRefusedAsync($"{header}.{genuine[1]}.");
    }

    [Fact]
    public async Task HS256_signed_with_the_public_key_is_refused()
    {
        // The classic confusion: the verifier's public key, which anyone can read from the JWKS, used as an HMAC secret.
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(Pem);
        var publicKeys = new[]
        {
            Encoding.UTF8.GetBytes(ecdsa.ExportSubjectPublicKeyInfoPem()),
            ecdsa.ExportSubjectPublicKeyInfo(),
            Encoding.UTF8.GetBytes(JsonSerializer.Serialize(_keys.ToJwks().Keys[0], Microsoft.Extensions.Hosting.Extensions.WireJson)),
        };

        foreach (var secret in publicKeys)
        {
            var key = new SymmetricSecurityKey(secret) { KeyId = _keys.SigningKey.KeyId };
            await AssertRefusedAsync(Forge(new SigningCredentials(key, SecurityAlgorithms.HmacSha256)));
        }
    }

    [Fact]
    public async Task A_wrong_issuer_is_refused()
    {
        await AssertRefusedAsync(Issuer(new JwtSettings { Issuer = "someone-else" }).CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token);
    }

    [Fact]
    public async Task A_wrong_audience_is_refused()
    {
        await AssertRefusedAsync(Issuer(new JwtSettings { Audience = "another-api" }).CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token);
    }

    [Fact]
    public async Task A_token_expired_beyond_the_clock_skew_is_refused_and_one_within_it_accepted()
    {
        var lifetime = new JwtSettings().AccessTokenLifetime;
        var expired40sAgo = new FakeTimeProvider(DateTimeOffset.UtcNow - lifetime - TimeSpan.FromSeconds(40));
        var expired5sAgo = new FakeTimeProvider(DateTimeOffset.UtcNow - lifetime - TimeSpan.FromSeconds(5));

        var failure = await AssertRefusedAsync(Issuer(time: expired40sAgo).CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token);
        var withinSkew = await AuthenticateAsync(Issuer(time: expired5sAgo).CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token);

        Assert.True(failure is SecurityTokenExpiredException, failure.GetType().FullName);
        Assert.True(withinSkew.Succeeded, withinSkew.Failure?.Message);
    }

    [Fact]
    public async Task A_token_not_yet_valid_is_refused()
    {
        var inTwoMinutes = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(2));

        var failure = await AssertRefusedAsync(Issuer(time: inTwoMinutes).CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token);

        Assert.IsType<SecurityTokenNotYetValidException>(failure);
    }

    [Fact]
    public async Task A_tampered_payload_is_refused()
    {
        var parts = Issuer().CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token.Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["sub"] = Guid.NewGuid().ToString();

        await AssertRefusedAsync($"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}");
    }

    [Fact]
    public async Task A_token_signed_with_an_unknown_key_is_refused()
    {
        var stranger = new TokenSigningKeys(CreatePem());

        var token = new TokenIssuer(stranger, Options.Create(new JwtSettings()), TimeProvider.System).CreateAccessToken(Guid.NewGuid(), Guid.NewGuid()).Token;

        Assert.Equal(stranger.SigningKey.KeyId, new JsonWebToken(token).Kid);
        await AssertRefusedAsync(token);
    }

    [Fact]
    public async Task A_refresh_token_is_refused_as_an_access_token()
    {
        var failure = await AssertRefusedAsync(Issuer().CreateRefreshToken(Guid.NewGuid(), Guid.NewGuid()).Token);

        Assert.Equal("Only access tokens are allowed", failure.Message);
    }

    [Fact]
    public async Task A_token_without_expiry_is_refused()
    {
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = new JwtSettings().Issuer,
            Audience = new JwtSettings().Audience,
            Claims = Claims(),
            SigningCredentials = new SigningCredentials(_keys.SigningKey, SecurityAlgorithms.EcdsaSha256),
        });

        await AssertRefusedAsync(token);
    }

    public void Dispose() => _host.Dispose();

    private TokenIssuer Issuer(JwtSettings? settings = null, TimeProvider? time = null) =>
        new(_keys, Options.Create(settings ?? new JwtSettings()), time ?? TimeProvider.System);

    /// <summary>Runs the token through the bearer scheme as a request would; the same handler every service uses.</summary>
    private async Task<AuthenticateResult> AuthenticateAsync(string token)
    {
        // A scope per request, as ASP.NET Core gives each request: handler instances (and their cached result) are per scope.
        await using var scope = _host.Services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Headers.Authorization = $"Bearer {token}";
        return await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
    }

    private async Task<Exception> AssertRefusedAsync(string token)
    {
        var result = await AuthenticateAsync(token);
        Assert.False(result.Succeeded);
        Assert.NotNull(result.Failure);
        return result.Failure;
    }

    private string Forge(SigningCredentials credentials)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = new JwtSettings().Issuer,
            Audience = new JwtSettings().Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            Claims = Claims(),
            SigningCredentials = credentials,
        });
    }

    private static Dictionary<string, object> Claims() => new()
    {
        [JwtRegisteredClaimNames.Sub] = Guid.NewGuid().ToString(),
        [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString(),
        [TokenClaims.Type] = TokenClaims.AccessType,
        [TokenClaims.Session] = Guid.NewGuid().ToString(),
    };

    private static string CreatePem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    private sealed class NoRevocations : IRevocationFeed
    {
        public Task<RevocationPage> ReadAfterAsync(long cursor, TimeSpan wait, CancellationToken cancellationToken) =>
            Task.FromResult(new RevocationPage([], cursor));
    }
}
