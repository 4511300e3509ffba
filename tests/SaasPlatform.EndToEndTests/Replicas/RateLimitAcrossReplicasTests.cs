using SaasPlatform.EndToEndTests.Gateway;
using Xunit.Abstractions;

namespace SaasPlatform.EndToEndTests.Replicas;

/// <summary>
/// The gateway's rate limits are per replica (README, "Rate limits across replicas"): each replica counts a client on
/// its own, so behind a proxy that spreads requests over N replicas a client gets up to N times the configured limit.
/// Proven with nginx round-robin over the two gateway replicas, on the authentication limit (30 a minute per address).
/// </summary>
[Collection(ReplicasCollection.Name)]
public sealed class RateLimitAcrossReplicasTests(ReplicasFixture platform, ITestOutputHelper output)
{
    private const int AuthLimit = 30;

    [Fact]
    public async Task Behind_a_proxy_over_two_gateway_replicas_a_client_gets_the_limit_once_per_replica()
    {
        var gateways = platform.Instances("gateway");
        Assert.Equal(2, gateways.Count);
        await using var nginx = await NginxProxy.StartAsync(gateways);
        var address = ForwardedHeadersTests.UniqueLoopback();
        using var client = nginx.CreateClient(address);

        var counts = await ForwardedHeadersTests.CountAsync(client, (AuthLimit * gateways.Count) + 1);

        output.WriteLine($"client {address} through nginx over {gateways.Count} gateway replicas: {counts}");
        Console.WriteLine($"NGINX over {gateways.Count} gateway replicas, one client: {counts}");
        Assert.Equal((AuthLimit * gateways.Count, 1), (counts.Ok, counts.Limited));
    }

    [Fact]
    public async Task Each_gateway_replica_counts_a_client_on_its_own()
    {
        var gateways = platform.Instances("gateway");
        var address = ForwardedHeadersTests.UniqueLoopback();
        using var first = PlatformFixture.CreateInstanceClient(gateways[0], address);
        using var second = PlatformFixture.CreateInstanceClient(gateways[1], address);

        var exhausted = await ForwardedHeadersTests.CountAsync(first, AuthLimit + 1);
        var other = await ForwardedHeadersTests.CountAsync(second, AuthLimit);

        output.WriteLine($"{address}: replica 1 {exhausted}; replica 2 then {other}");
        Assert.Equal((AuthLimit, 1), (exhausted.Ok, exhausted.Limited));
        Assert.Equal((AuthLimit, 0), (other.Ok, other.Limited));
    }
}
