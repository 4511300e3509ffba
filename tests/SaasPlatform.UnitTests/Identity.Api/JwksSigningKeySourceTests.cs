using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Identity.Api.Tokens;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SaasPlatform.ServiceDefaults.Auth;

namespace SaasPlatform.UnitTests.Identity.Api;

/// <summary>
/// The JWKS client of the validating services. The issuer's endpoint is an in-process handler that serves the real
/// JWKS document and counts requests (the edge: a test cannot host identity-api here); time is a fake clock.
/// </summary>
public sealed class JwksSigningKeySourceTests
{
    [Fact]
    public async Task Unknown_kids_trigger_at_most_one_refetch_per_30_seconds()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var issuer = new JwksEndpoint(new TokenSigningKeys(CreatePem()));
        using var source = Source(issuer, time);
        using var stop = new CancellationTokenSource();
        await source.StartAsync(stop.Token);
        await WaitUntilAsync(() => issuer.Requests == 1);

        // A flood of tokens naming kids nobody knows, right after the first fetch: nothing is refetched.
        Flood(source);
        await Task.Delay(300);
        Assert.Equal(1, issuer.Requests);

        // 30 s later the next unknown kid refetches once, however many arrive.
        time.Advance(JwksSigningKeySource.UnknownKidRefetchInterval);
        Flood(source);
        await WaitUntilAsync(() => issuer.Requests == 2);
        Flood(source);
        await Task.Delay(300);
        Assert.Equal(2, issuer.Requests);

        // Not again before another 30 s have passed.
        time.Advance(TimeSpan.FromSeconds(29));
        Flood(source);
        await Task.Delay(300);
        Assert.Equal(2, issuer.Requests);
        time.Advance(TimeSpan.FromSeconds(1));
        Flood(source);
        await WaitUntilAsync(() => issuer.Requests == 3);

        await source.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_rotated_key_is_picked_up_by_the_refetch_an_unknown_kid_triggers()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var old = new TokenSigningKeys(CreatePem());
        var issuer = new JwksEndpoint(old);
        using var source = Source(issuer, time);
        await source.StartAsync(CancellationToken.None);
        await WaitUntilAsync(() => source.GetKeys(old.SigningKey.KeyId).Any());

        var rotated = new TokenSigningKeys(CreatePem());
        issuer.Keys = rotated;
        time.Advance(JwksSigningKeySource.UnknownKidRefetchInterval);

        Assert.Empty(source.GetKeys(rotated.SigningKey.KeyId)); // unknown for now: this asks for a refetch
        await WaitUntilAsync(() => source.GetKeys(rotated.SigningKey.KeyId).Any());
        await source.StopAsync(CancellationToken.None);
    }

    private static void Flood(JwksSigningKeySource source)
    {
        for (var i = 0; i < 1000; i++)
        {
            Assert.Empty(source.GetKeys($"forged-{i}"));
        }
    }

    private static JwksSigningKeySource Source(JwksEndpoint issuer, TimeProvider time)
    {
        var services = new ServiceCollection();
        services.AddHttpClient(nameof(JwksSigningKeySource)).ConfigurePrimaryHttpMessageHandler(() => issuer);
        var factory = services.BuildServiceProvider().GetRequiredService<IHttpClientFactory>();
        return new JwksSigningKeySource(factory, Options.Create(new JwtSettings()), time, NullLogger<JwksSigningKeySource>.Instance);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 20 s");
            await Task.Delay(20);
        }
    }

    private static string CreatePem()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>Serves Identity's real JWKS document for <see cref="Keys"/>, counting requests.</summary>
    private sealed class JwksEndpoint(TokenSigningKeys keys) : HttpMessageHandler
    {
        private int _requests;

        public TokenSigningKeys Keys { get; set; } = keys;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            var json = JsonSerializer.Serialize(Keys.ToJwks(), Microsoft.Extensions.Hosting.Extensions.WireJson);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json) });
        }
    }
}
