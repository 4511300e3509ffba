using System.Diagnostics;
using System.Net;
using SaasPlatform.EndToEndTests.Tenancy;
using Xunit.Abstractions;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Replicas;

/// <summary>
/// A membership change made through one Tenancy.Api replica is honoured by every other replica that checks tenant
/// access (the other Tenancy.Api, both Documents.Api and both Events.Worker replicas), each of which keeps its own
/// tenant access cache: granted within a second, and revoked within a second.
/// </summary>
[Collection(ReplicasCollection.Name)]
public sealed class MembershipAcrossReplicasTests(ReplicasFixture platform, ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_membership_change_through_one_replica_is_honoured_by_the_others_within_a_second()
    {
        const int rounds = 5;
        using var gateway = platform.CreateGatewayClient();
        var admin = await NewSessionAsync(gateway);
        var member = await NewSessionAsync(gateway);
        var tenantId = (await TenancyApi.NewTenantAsync(gateway, admin.AccessToken)).GetProperty("id").GetGuid();
        var tenancy = platform.Instances("tenancy-api");
        Assert.Equal(platform.Replicas, tenancy.Count);
        using var writer = PlatformFixture.CreateInstanceClient(tenancy[0]);
        // Everyone but the replica that made the change: the tenant's own page, its documents, its audit log.
        List<ReplicaProbe> readers =
        [
            new("tenancy-api", tenancy[1], PlatformFixture.CreateInstanceClient(tenancy[1]), () => $"/api/tenants/{tenantId}"),
            .. platform.Instances("documents-api").Select(i => new ReplicaProbe("documents-api", i, PlatformFixture.CreateInstanceClient(i), () => $"/api/tenants/{tenantId}/documents")),
            .. platform.Instances("events-worker").Select(i => new ReplicaProbe("events-worker", i, PlatformFixture.CreateInstanceClient(i), () => $"/api/tenants/{tenantId}/audit")),
        ];

        // Every reader has served this tenant once (its database pool open, its code warm), so the rounds measure how
        // fast a change travels, not a first request.
        await AssertEveryReaderAsync(readers, admin.AccessToken, HttpStatusCode.OK);

        var granted = new List<double>();
        var revoked = new List<double>();
        for (var round = 0; round < rounds; round++)
        {
            // Every reader has just said no (and may remember it) ...
            await AssertEveryReaderAsync(readers, member.AccessToken, HttpStatusCode.NotFound);

            // ... when the member is added through the first replica.
            using (var add = await SendAsync(writer, HttpMethod.Post, $"/api/tenants/{tenantId}/users", admin.AccessToken, new { user_id = member.UserId, role = "admin" }))
            {
                Assert.Equal(HttpStatusCode.Created, add.StatusCode);
            }

            // From the moment the change is done (its answer is back).
            var clock = Stopwatch.StartNew();
            granted.Add(await UntilEveryReaderAsync(readers, member.AccessToken, HttpStatusCode.OK, clock));

            // Every reader has just said yes ... when the member is removed through the first replica.
            await AssertEveryReaderAsync(readers, member.AccessToken, HttpStatusCode.OK);
            using (var remove = await SendAsync(writer, HttpMethod.Delete, $"/api/tenants/{tenantId}/users/{member.UserId}", admin.AccessToken))
            {
                Assert.True(remove.IsSuccessStatusCode, $"remove answered {(int)remove.StatusCode}");
            }

            clock.Restart();

            revoked.Add(await UntilEveryReaderAsync(readers, member.AccessToken, HttpStatusCode.NotFound, clock));
        }

        var summary = $"membership change through {tenancy[0].Id} seen by {readers.Count} other replicas over {rounds} rounds: " +
            $"granted p50 {ReplicaProbes.Percentile(granted, 50):0} ms max {granted.Max():0} ms, revoked p50 {ReplicaProbes.Percentile(revoked, 50):0} ms max {revoked.Max():0} ms";
        output.WriteLine(summary);
        Console.WriteLine($"REPLICAS {summary}");
        // The design bound is 1 s (each replica hears the change within milliseconds: docs/decisions/cache-invalidation.md);
        // on a loaded machine a lookup can stall,
        // so most changes must make it and none may take twice as long.
        List<double> all = [.. granted, .. revoked];
        Assert.True(ReplicaProbes.Percentile(all, 50) <= Bound.TotalMilliseconds && all.Max() <= 2 * Bound.TotalMilliseconds, summary);
    }

    private static async Task AssertEveryReaderAsync(IEnumerable<ReplicaProbe> readers, string token, HttpStatusCode expected)
    {
        foreach (var reader in readers)
        {
            using var response = await reader.SendAsync(token);
            Assert.True(response.StatusCode == expected, $"{reader.Instance.Id} {reader.Path()}: {(int)response.StatusCode}, expected {(int)expected}");
        }
    }

    /// <summary>Milliseconds until the last reader answers <paramref name="expected"/> (over 10 s fails the test).</summary>
    private async Task<double> UntilEveryReaderAsync(IReadOnlyList<ReplicaProbe> readers, string token, HttpStatusCode expected, Stopwatch clock)
    {
        var times = await Task.WhenAll(readers.Select(r => r.TimeUntilAsync(token, status => status == expected, clock, TimeSpan.FromSeconds(10))));
        output.WriteLine($"{(int)expected}: " + string.Join(", ", readers.Zip(times, (r, t) => $"{r.Instance.Id} {t.TotalMilliseconds:0} ms")));
        Assert.DoesNotContain(TimeSpan.MaxValue, times);
        return times.Max().TotalMilliseconds;
    }
}
