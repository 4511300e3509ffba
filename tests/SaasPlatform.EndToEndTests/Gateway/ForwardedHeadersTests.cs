using System.Net;
using Xunit.Abstractions;

namespace SaasPlatform.EndToEndTests.Gateway;

/// <summary>
/// The gateway believes X-Forwarded-For only from its configured proxies (the test run configures nginx's source
/// address and 127.0.0.1), with a real nginx in front: clients behind it are told apart by their own addresses, and a
/// client that reaches the gateway directly cannot pick its address with the header. Counted on the stricter
/// authentication limit (30 a minute per client address) through <c>GET /api/auth/health</c>, which nothing else limits.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ForwardedHeadersTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const int AuthLimit = 30;

    [Fact]
    public async Task Two_clients_behind_the_proxy_get_separate_rate_limit_buckets_whatever_they_claim()
    {
        await using var nginx = await NginxProxy.StartAsync(platform.Instances("gateway"));
        var (first, second) = (UniqueLoopback(), UniqueLoopback());
        using var clientA = nginx.CreateClient(first);
        using var clientB = nginx.CreateClient(second);
        // A also claims other addresses: nginx appends the real one and the gateway reads only that last hop.
        clientA.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.77");

        var a = await CountAsync(clientA, AuthLimit + 1);
        var b = await CountAsync(clientB, 1);

        output.WriteLine($"through nginx: client {first} {a}; client {second} {b}");
        Console.WriteLine($"NGINX client A ({first}, claiming 198.51.100.77): {a}; client B ({second}): {b}");
        Assert.Equal((AuthLimit, 1), (a.Ok, a.Limited));
        Assert.Equal((1, 0), (b.Ok, b.Limited));
    }

    [Fact]
    public async Task A_client_talking_to_the_gateway_directly_cannot_choose_its_address_with_the_header()
    {
        var gateway = Assert.Single(platform.Instances("gateway"));
        var from = UniqueLoopback();
        using var direct = PlatformFixture.CreateInstanceClient(gateway, from);

        // Every request claims another address; none is believed, so all share the connection's bucket.
        var counts = await CountAsync(direct, AuthLimit + 1, spoof: true);

        output.WriteLine($"direct from {from} with {AuthLimit + 1} different X-Forwarded-For values: {counts}");
        Console.WriteLine($"NGINX direct client ({from}) with {AuthLimit + 1} different X-Forwarded-For values: {counts}");
        Assert.Equal((AuthLimit, 1), (counts.Ok, counts.Limited));
    }

    /// <summary>A loopback address no other test uses (each test run's buckets last a minute).</summary>
    internal static IPAddress UniqueLoopback() =>
        new([127, (byte)Random.Shared.Next(10, 250), (byte)Random.Shared.Next(0, 256), (byte)Random.Shared.Next(1, 255)]);

    internal static async Task<Counts> CountAsync(HttpClient client, int requests, bool spoof = false)
    {
        var ok = 0;
        var limited = 0;
        for (var i = 0; i < requests; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/health");
            if (spoof)
            {
                request.Headers.Add("X-Forwarded-For", $"203.0.113.{i + 1}");
            }

            using var response = await client.SendAsync(request);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK: ok++; break;
                case HttpStatusCode.TooManyRequests: limited++; break;
                default: Assert.Fail($"unexpected {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}"); break;
            }
        }

        return new Counts(ok, limited);
    }

    internal sealed record Counts(int Ok, int Limited)
    {
        public override string ToString() => $"{Ok} answered, {Limited} limited (429)";
    }
}
