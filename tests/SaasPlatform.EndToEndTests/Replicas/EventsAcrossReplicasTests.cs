using System.Text.Json;
using SaasPlatform.EndToEndTests.Documents;
using SaasPlatform.EndToEndTests.Events;
using SaasPlatform.EndToEndTests.Tenancy;
using Xunit.Abstractions;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Replicas;

/// <summary>
/// The event pipeline scaled out: both Documents.Api replicas commit uploads to the tenant's outbox and run its relay,
/// both Events.Worker replicas consume (one consumer group) and run the orphan collector. Every event is handled once,
/// none is lost, nothing is published twice, and every orphan is collected by exactly one replica.
/// </summary>
[Collection(ReplicasCollection.Name)]
public sealed class EventsAcrossReplicasTests(ReplicasFixture platform, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Every_uploaded_documents_events_are_handled_exactly_once_with_two_replicas_relaying()
    {
        const int perRoute = 10;
        using var gateway = platform.CreateGatewayClient();
        var (token, tenantId, database) = await NewTenantAsync(gateway);
        // Through the gateway and straight to each replica, so both replicas commit outbox rows for the tenant.
        var documentReplicas = platform.Instances("documents-api");
        Assert.Equal(2, documentReplicas.Count);
        var routes = new List<HttpClient> { gateway };
        routes.AddRange(documentReplicas.Select(i => PlatformFixture.CreateInstanceClient(i)));
        using var parallel = new SemaphoreSlim(6);
        var uploads = await Task.WhenAll(routes.SelectMany(route => Enumerable.Range(0, perRoute).Select(async n =>
        {
            await parallel.WaitAsync();
            try
            {
                var data = await DocumentsApi.UploadOkAsync(route, token, tenantId, DocumentsApi.UniqueText(), $"doc-{n}.txt", "text/plain");
                return data.GetProperty("id").GetGuid();
            }
            finally
            {
                parallel.Release();
            }
        })));
        Assert.Equal(routes.Count * perRoute, uploads.Distinct().Count());

        await using var events = await EventsDatabase.OpenAsync(platform);
        var handled = await EventsDatabase.WaitUntilAsync(async () =>
            await events.CountAsync("SELECT count(DISTINCT resource_id) FROM audit_records WHERE tenant_id = @t AND action = 'document.uploaded'", ("t", tenantId)) == uploads.Length
            && await events.CountAsync("SELECT count(DISTINCT event_id) FROM inbox_events WHERE tenant_id = @t AND topic = 'document.uploaded' AND outcome = 'handled'", ("t", tenantId)) == uploads.Length,
            Patience);
        Assert.True(handled, "not every upload's events were handled");

        // None lost: every outbox row of the tenant was sent; once: one audit record per document, one inbox entry per
        // event and handler (the key), and the broker holds each document's event once (no double relay).
        Assert.Equal(0L, await TenancyApi.ScalarAsync<long>(platform, database, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL"));
        Assert.Equal(uploads.Length, await events.CountAsync(
            "SELECT count(*) FROM audit_records WHERE tenant_id = @t AND action = 'document.uploaded'", ("t", tenantId)));
        var audited = new HashSet<string>(uploads.Select(id => id.ToString()));
        Assert.Equal(audited.Count, await events.CountAsync(
            "SELECT count(*) FROM audit_records WHERE tenant_id = @t AND action = 'document.uploaded' AND resource_id = ANY(@ids)", ("t", tenantId), ("ids", audited.ToArray())));
        var published = (await KafkaProbe.ReadTopicWithKcatAsync(platform, "document.uploaded"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => line.StartsWith(tenantId.ToString(), StringComparison.Ordinal))
            .Select(line => JsonDocument.Parse(line.Split('\t', 2)[1]).RootElement.GetProperty("data").GetProperty("document_id").GetGuid())
            .ToList();
        output.WriteLine($"{uploads.Length} uploads: {published.Count} document.uploaded messages on the broker for the tenant");
        Assert.Equal(uploads.Order(), published.Order());
    }

    [Fact]
    public async Task Every_orphan_is_collected_once_with_two_collecting_replicas()
    {
        const int orphans = 8;
        using var gateway = platform.CreateGatewayClient();
        var (token, tenantId, database) = await NewTenantAsync(gateway);
        var files = new List<(Guid FileId, string Key)>();
        for (var i = 0; i < orphans; i++)
        {
            var document = await DocumentsApi.UploadOkAsync(gateway, token, tenantId, DocumentsApi.UniqueText(), $"orphan-{i}.txt", "text/plain");
            files.Add((document.GetProperty("file_id").GetGuid(), document.GetProperty("file").GetProperty("s3_path").GetString()!));
            using var delete = await SendAsync(gateway, HttpMethod.Delete, $"/api/tenants/{tenantId}/documents/{document.GetProperty("id").GetGuid()}", token);
            Assert.True((await delete.JsonAsync()).GetProperty("data").GetProperty("file_orphaned").GetBoolean());
        }

        // Grace period 3 s in the test run; both replicas hear of every deletion (scheduled) and sweep.
        Assert.True(await DocumentsApi.EventuallyAsync(Patience, async () =>
            await TenancyApi.ScalarAsync<long>(platform, database, "SELECT count(*) FROM files") == 0), "orphans were not collected");
        foreach (var (_, key) in files)
        {
            Assert.False(await DocumentsApi.ObjectExistsAsync(platform, key));
        }

        var collections = new List<string>();
        foreach (var instance in platform.Instances("events-worker"))
        {
            var log = await platform.LogAsync(instance.Id);
            collections.AddRange(files
                .Where(f => log.Any(line => line.Contains($"Collected orphaned file {f.FileId}", StringComparison.Ordinal)))
                .Select(f => $"{f.FileId}@{instance.Id}"));
        }

        output.WriteLine($"{orphans} orphans, collections: {string.Join(", ", collections)}");
        Assert.Equal(orphans, collections.Count);
        Assert.Equal(orphans, collections.Select(c => c.Split('@')[0]).Distinct().Count());
    }

    /// <summary>A fresh owner and tenant of this platform (the shared test users of other suites belong to the other one).</summary>
    private static async Task<(string Token, Guid TenantId, string Database)> NewTenantAsync(HttpClient gateway)
    {
        var owner = await NewSessionAsync(gateway);
        var tenant = await TenancyApi.NewTenantAsync(gateway, owner.AccessToken);
        return (owner.AccessToken, tenant.GetProperty("id").GetGuid(), tenant.GetProperty("database_name").GetString()!);
    }
}
