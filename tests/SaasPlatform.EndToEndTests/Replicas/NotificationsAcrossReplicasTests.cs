using SaasPlatform.EndToEndTests.Documents;
using SaasPlatform.EndToEndTests.Notifications;
using SaasPlatform.EndToEndTests.Tenancy;
using Xunit.Abstractions;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Replicas;

/// <summary>
/// Live notifications scaled out without a backplane: each Events.Worker replica reads every event from Kafka in a
/// consumer group of its own, so members connected to different replicas (through the gateway, WebSockets without a
/// negotiate request, so no sticky sessions are needed) all hear of the same upload.
/// </summary>
[Collection(ReplicasCollection.Name)]
public sealed class NotificationsAcrossReplicasTests(ReplicasFixture platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Members_connected_to_different_hub_replicas_all_hear_of_an_upload()
    {
        using var gateway = platform.CreateGatewayClient();
        var owner = await NewSessionAsync(gateway);
        var member = await NewSessionAsync(gateway);
        var tenantId = (await TenancyApi.NewTenantAsync(gateway, owner.AccessToken)).GetProperty("id").GetGuid();
        await TenancyApi.AddMemberAsync(gateway, owner.AccessToken, tenantId, member.UserId, "viewer");

        // The proxies spread connections over the replicas: connect until two clients sit on different instances.
        var clients = new List<(NotificationClient Client, string Instance)>();
        try
        {
            for (var attempt = 0; attempt < 30 && clients.Select(c => c.Instance).Distinct().Count() < 2; attempt++)
            {
                var client = await NotificationClient.ConnectAsync(gateway, attempt % 2 == 0 ? member.AccessToken : owner.AccessToken);
                clients.Add((client, await client.JoinAsync(tenantId)));
            }

            var instances = clients.Select(c => c.Instance).Distinct().ToList();
            Assert.True(instances.Count == 2, $"all {clients.Count} connections reached one hub instance");

            // Verifiably two processes: each instance id names the consumer group that exactly one replica logged.
            var replicas = platform.Instances("events-worker");
            Assert.Equal(2, replicas.Count);
            var holders = new List<string>();
            foreach (var instance in instances)
            {
                var logged = new List<string>();
                foreach (var replica in replicas)
                {
                    if ((await platform.LogAsync(replica.Id)).Any(line => line.Contains($"as group notifications-{instance}", StringComparison.Ordinal)))
                    {
                        logged.Add(replica.Id);
                    }
                }

                holders.Add(Assert.Single(logged));
            }

            Assert.Equal(2, holders.Distinct().Count());
            output.WriteLine($"{clients.Count} connections over hub instances {string.Join(", ", instances.Zip(holders, (i, h) => $"{i}@{h}"))}");

            var document = await DocumentsApi.UploadOkAsync(gateway, owner.AccessToken, tenantId, DocumentsApi.UniqueText(), "everyone.txt", "text/plain");
            var documentId = document.GetProperty("id").GetGuid().ToString();
            var received = await Task.WhenAll(clients.Select(c => c.Client.WaitForAsync("document.uploaded", documentId)));
            var latencies = received.Select(r => r.Latency).ToList();
            output.WriteLine($"commit-to-client latency over {clients.Count} clients on 2 replicas: {NotificationClient.Summary(latencies)}");
            // The 1 s bound is asserted by LiveNotificationsTests; here (six more processes on the same cores) only a sanity bound.
            Assert.All(latencies, latency => Assert.True(latency < TimeSpan.FromSeconds(5), $"a notification took {latency.TotalMilliseconds:0} ms"));
            // Once each: no replica forwards another's events, none is forwarded twice.
            Assert.All(clients, c => Assert.Single(c.Client.Received));
        }
        finally
        {
            foreach (var (client, _) in clients)
            {
                await client.DisposeAsync();
            }
        }
    }
}
