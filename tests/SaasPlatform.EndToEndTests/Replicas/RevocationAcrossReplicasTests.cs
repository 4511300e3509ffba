using System.Diagnostics;
using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Replicas;

/// <summary>
/// Revocations with two replicas of every service: each replica follows Identity's feed on its own, so a logout must
/// reach all of them; and a replica cut off from the feed must stop trusting tokens (fail closed) rather than accept
/// one revoked after the cut.
/// </summary>
[Collection(ReplicasCollection.Name)]
public sealed class RevocationAcrossReplicasTests(ReplicasFixture platform, ITestOutputHelper output)
{
    [Fact]
    public async Task A_logout_through_the_gateway_is_refused_by_every_replica_of_every_service_within_a_second()
    {
        const int logouts = 50;
        const int users = 10;   // five logins each stay under the per-e-mail login limit
        var probes = ReplicaProbes.ForEveryReplica(platform);
        Assert.Equal(ReplicaProbes.TokenValidating.Length * platform.Replicas, probes.Select(p => p.Instance.Address).Distinct().Count());

        var emails = new List<string>();
        for (var i = 0; i < users; i++)
        {
            using var client = platform.CreateGatewayClient();
            var email = UniqueEmail("replica-logout");
            using var register = await RegisterAsync(client, email);
            Assert.Equal(HttpStatusCode.Created, register.StatusCode);
            emails.Add(email);
        }

        var times = new List<double>();
        string? lastToken = null;
        for (var i = 0; i < logouts; i++)
        {
            using var gateway = platform.CreateGatewayClient();
            var session = await LoginSessionAsync(gateway, emails[i % users]);
            foreach (var probe in probes)
            {
                using var accepted = await probe.SendAsync(session.AccessToken);
                Assert.True(accepted.StatusCode != HttpStatusCode.Unauthorized, $"{probe.Instance.Id} refused a fresh token");
            }

            // From the moment the logout is done (its answer is back) until the last replica has refused the token.
            using (var logout = await LogoutAsync(gateway, session.AccessToken))
            {
                Assert.True(logout.IsSuccessStatusCode, $"logout answered {(int)logout.StatusCode}");
            }

            var clock = Stopwatch.StartNew();
            var refused = await Task.WhenAll(probes.Select(p =>
                p.TimeUntilAsync(session.AccessToken, status => status == HttpStatusCode.Unauthorized, clock, TimeSpan.FromSeconds(10))));
            Assert.DoesNotContain(TimeSpan.MaxValue, refused);
            times.Add(refused.Max().TotalMilliseconds);
            lastToken = session.AccessToken;
        }

        foreach (var probe in probes)
        {
            await AssertErrorAsync(await probe.SendAsync(lastToken!), HttpStatusCode.Unauthorized, "token_revoked");
        }

        var (p50, p99) = (ReplicaProbes.Percentile(times, 50), ReplicaProbes.Percentile(times, 99));
        var summary = $"logout refused by all {probes.Count} replicas ({string.Join(", ", ReplicaProbes.TokenValidating)} x{platform.Replicas}) " +
            $"over {logouts} logouts: p50 {p50:0} ms, p99 {p99:0} ms, max {times.Max():0} ms";
        output.WriteLine(summary);
        Console.WriteLine($"REPLICAS {summary}");
        // The design bound is 1 s (the feed pushes a logout within milliseconds: docs/decisions/revocation-push.md); CI runs alone, but a loaded machine stalls a process now and
        // then, so nine in ten must make it and none may take twice as long.
        Assert.True(ReplicaProbes.Percentile(times, 90) <= 1000 && times.Max() <= 2000, summary);
    }

    [Fact]
    public async Task Cut_off_from_the_revocation_feed_every_replica_answers_503_and_reports_unhealthy_until_it_is_back()
    {
        using var gateway = platform.CreateGatewayClient();
        var session = await NewSessionAsync(gateway);
        var probes = ReplicaProbes.ForEveryReplica(platform).Where(p => p.Service != "identity-api").ToList();
        foreach (var probe in probes)
        {
            using var accepted = await probe.SendAsync(session.AccessToken);
            Assert.True(accepted.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.ServiceUnavailable), $"{probe.Instance.Id}: {(int)accepted.StatusCode}");
        }

        var identity = platform.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "identity-api");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        Stopwatch clock;
        TimeSpan[] failedClosed;
        try
        {
            // The feed's only source goes away (both replicas crash: DCP's graceful stop may give up while a process
            // drains): the services' views of it age from now on.
            await ResourceRestarts.KillAsync(platform, "identity-api", "Identity.Api", output);
            while (platform.Instances("identity-api").Count > 0)
            {
                await Task.Delay(100, timeout.Token);
            }

            clock = Stopwatch.StartNew();
            failedClosed = await Task.WhenAll(probes.Select(p =>
                p.TimeUntilAsync(session.AccessToken, status => status == HttpStatusCode.ServiceUnavailable, clock, TimeSpan.FromSeconds(60))));

            foreach (var probe in probes)
            {
                using var refused = await probe.SendAsync(session.AccessToken);
                await AssertErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "service_unavailable");
                Assert.True(refused.Headers.RetryAfter is not null, "503 without Retry-After");
                using var health = await probe.Client.GetAsync("/health");
                Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
                Assert.Contains("Revocation feed last read", await health.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
        }
        finally
        {
            // A start that races the killed processes in DCP can fail, at once or on the way up (a replica reported
            // "failed to start"): up to three attempts, as ResourceRestarts.StartAsync does for a single instance.
            for (var attempt = 1; ; attempt++)
            {
                var start = await platform.App.ResourceCommands.ExecuteCommandAsync(identity, KnownResourceCommands.StartCommand, timeout.Token);
                if (!start.Success)
                {
                    start = await platform.App.ResourceCommands.ExecuteCommandAsync(identity, KnownResourceCommands.RestartCommand, timeout.Token);
                }

                output.WriteLine($"identity-api start, attempt {attempt}: {start.Success} {start.Message}");
                try
                {
                    Assert.True(start.Success, start.Message);
                    await platform.WaitForInstancesHealthyAsync("identity-api", timeout.Token);
                    break;
                }
                catch (Exception e) when (attempt < 3 && e is DistributedApplicationException or Xunit.Sdk.TrueException)
                {
                    output.WriteLine($"identity-api start, attempt {attempt} failed: {e.Message}");
                    await Task.Delay(TimeSpan.FromSeconds(2), timeout.Token);
                }
            }
        }

        var summary = $"feed cut: every replica of tenancy, documents, events answered 503 {failedClosed.Min().TotalSeconds:0.0}-{failedClosed.Max().TotalSeconds:0.0} s after identity-api had stopped (bound 5 s)";
        output.WriteLine(summary);
        Console.WriteLine($"REPLICAS {summary}");
        Assert.DoesNotContain(TimeSpan.MaxValue, failedClosed);

        // Back: the same token is accepted again everywhere once the feed is read again.
        var recovered = await Task.WhenAll(probes.Select(p => p.TimeUntilAsync(session.AccessToken,
            status => status is not (HttpStatusCode.Unauthorized or HttpStatusCode.ServiceUnavailable), Stopwatch.StartNew(), TimeSpan.FromSeconds(60))));
        Assert.DoesNotContain(TimeSpan.MaxValue, recovered);
        foreach (var service in ReplicaProbes.TokenValidating)
        {
            await platform.WaitForInstancesHealthyAsync(service, timeout.Token);
        }
    }
}
