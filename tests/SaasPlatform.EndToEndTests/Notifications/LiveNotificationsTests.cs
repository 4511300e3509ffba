using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using SaasPlatform.EndToEndTests.Documents;
using SaasPlatform.EndToEndTests.Tenancy;
using Xunit.Abstractions;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Notifications;

/// <summary>
/// Live notifications over WebSockets through the gateway (docs/notifications.md): a member hears of uploads, renames,
/// deletions and membership changes within a second of the commit; a non-member cannot join and hears nothing of
/// other tenants; a removed member and a logged-out session stop hearing anything.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class LiveNotificationsTests(PlatformFixture platform, ITestOutputHelper output)
{
    /// <summary>The issue's bound, from the event's timestamp (taken before the commit) to the client's receipt.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(1);

    /// <summary>How long a client must stay silent before "it received nothing" is believed.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task A_member_hears_of_uploads_renames_deletions_and_membership_changes_within_a_second()
    {
        using var gateway = platform.CreateGatewayClient();
        var owner = await NewSessionAsync(gateway);
        var watcher = await NewSessionAsync(gateway);
        var colleague = await NewSessionAsync(gateway);
        var tenantId = (await TenancyApi.NewTenantAsync(gateway, owner.AccessToken)).GetProperty("id").GetGuid();
        await TenancyApi.AddMemberAsync(gateway, owner.AccessToken, tenantId, watcher.UserId, "viewer");
        await using var client = await NotificationClient.ConnectAsync(gateway, watcher.AccessToken);
        await client.JoinAsync(tenantId);
        var latencies = new List<TimeSpan>();

        for (var round = 0; round < 3; round++)
        {
            var document = await DocumentsApi.UploadOkAsync(gateway, owner.AccessToken, tenantId, DocumentsApi.UniqueText(), $"live-{round}.txt", "text/plain");
            var documentId = document.GetProperty("id").GetGuid().ToString();
            var uploaded = await client.WaitForAsync("document.uploaded", documentId);
            Assert.Equal(tenantId, uploaded.TenantId);
            Assert.Equal("document", uploaded.Notification.GetProperty("resource_type").GetString());
            Assert.Equal(owner.UserId, uploaded.Notification.GetProperty("user_id").GetGuid());
            Assert.Equal($"live-{round}.txt", uploaded.Notification.GetProperty("data").GetProperty("filename").GetString());

            using (var rename = await SendAsync(gateway, HttpMethod.Put, $"/api/tenants/{tenantId}/documents/{documentId}", owner.AccessToken, new { filename = $"renamed-{round}.txt" }))
            {
                Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
            }

            var renamed = await client.WaitForAsync("document.updated", documentId);
            Assert.Equal($"renamed-{round}.txt", renamed.Notification.GetProperty("data").GetProperty("filename").GetString());

            using (var delete = await SendAsync(gateway, HttpMethod.Delete, $"/api/tenants/{tenantId}/documents/{documentId}", owner.AccessToken))
            {
                Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
            }

            var deleted = await client.WaitForAsync("document.deleted", documentId);

            await TenancyApi.AddMemberAsync(gateway, owner.AccessToken, tenantId, colleague.UserId, "user");
            var added = await client.WaitForAsync("member.added", colleague.UserId.ToString());
            Assert.Equal("user", added.Notification.GetProperty("data").GetProperty("role").GetString());

            using (var remove = await SendAsync(gateway, HttpMethod.Delete, $"/api/tenants/{tenantId}/users/{colleague.UserId}", owner.AccessToken))
            {
                Assert.Equal(HttpStatusCode.OK, remove.StatusCode);
            }

            var removed = await client.WaitForAsync("member.removed", colleague.UserId.ToString());
            latencies.AddRange([uploaded.Latency, renamed.Latency, deleted.Latency, added.Latency, removed.Latency]);
        }

        // Each change once, in commit order (one tenant's events keep their partition's order). The watcher's own
        // member.added, committed before it joined, may or may not arrive: its relay can be slower than the join.
        var heard = client.Received.Where(r => r.ResourceId != watcher.UserId.ToString()).Select(r => r.Type).ToList();
        Assert.True(Enumerable.Repeat(new[] { "document.uploaded", "document.updated", "document.deleted", "member.added", "member.removed" }, 3)
            .SelectMany(t => t).SequenceEqual(heard), $"received: {string.Join(", ", client.Received.Select(r => $"{r.Type}/{r.ResourceId}"))}");
        output.WriteLine($"commit-to-client latency (event timestamp to receipt): {NotificationClient.Summary(latencies)}");
        Assert.All(latencies, latency => Assert.True(latency < Bound, $"a notification took {latency.TotalMilliseconds:0} ms"));
    }

    [Fact]
    public async Task A_non_member_cannot_join_and_never_hears_of_another_tenants_events()
    {
        using var gateway = platform.CreateGatewayClient();
        var owner = await NewSessionAsync(gateway);
        var outsider = await NewSessionAsync(gateway);
        var tenantId = (await TenancyApi.NewTenantAsync(gateway, owner.AccessToken)).GetProperty("id").GetGuid();
        var outsidersTenant = (await TenancyApi.NewTenantAsync(gateway, outsider.AccessToken)).GetProperty("id").GetGuid();
        await using var ownerClient = await NotificationClient.ConnectAsync(gateway, owner.AccessToken);
        await ownerClient.JoinAsync(tenantId);
        await using var client = await NotificationClient.ConnectAsync(gateway, outsider.AccessToken);

        foreach (var target in new[] { tenantId.ToString(), Guid.NewGuid().ToString() })
        {
            var refused = await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<object>("JoinTenant", target));
            Assert.Contains("Tenant not found or access denied", refused.Message, StringComparison.Ordinal);
        }

        var malformed = await Assert.ThrowsAsync<HubException>(() => client.Connection.InvokeAsync<object>("JoinTenant", "not-a-tenant"));
        Assert.Contains("tenant_id must be a UUID", malformed.Message, StringComparison.Ordinal);
        await client.JoinAsync(outsidersTenant);   // its own tenant: the connection itself works

        var foreign = await DocumentsApi.UploadOkAsync(gateway, owner.AccessToken, tenantId, DocumentsApi.UniqueText(), "secret.txt", "text/plain");
        await ownerClient.WaitForAsync("document.uploaded", foreign.GetProperty("id").GetGuid().ToString());
        var own = await DocumentsApi.UploadOkAsync(gateway, outsider.AccessToken, outsidersTenant, DocumentsApi.UniqueText(), "mine.txt", "text/plain");
        await client.WaitForAsync("document.uploaded", own.GetProperty("id").GetGuid().ToString());
        await Task.Delay(Quiet);

        Assert.All(client.Received, r => Assert.Equal(outsidersTenant, r.TenantId));
        Assert.Single(client.Received);
        Assert.All(ownerClient.Received, r => Assert.Equal(tenantId, r.TenantId));
    }

    [Fact]
    public async Task A_removed_member_stops_hearing_and_cannot_join_again()
    {
        using var gateway = platform.CreateGatewayClient();
        var owner = await NewSessionAsync(gateway);
        var member = await NewSessionAsync(gateway);
        var tenantId = (await TenancyApi.NewTenantAsync(gateway, owner.AccessToken)).GetProperty("id").GetGuid();
        await TenancyApi.AddMemberAsync(gateway, owner.AccessToken, tenantId, member.UserId, "user");
        await using var ownerClient = await NotificationClient.ConnectAsync(gateway, owner.AccessToken);
        await ownerClient.JoinAsync(tenantId);
        await using var client = await NotificationClient.ConnectAsync(gateway, member.AccessToken);
        await client.JoinAsync(tenantId);

        var before = await DocumentsApi.UploadOkAsync(gateway, owner.AccessToken, tenantId, DocumentsApi.UniqueText(), "before.txt", "text/plain");
        await client.WaitForAsync("document.uploaded", before.GetProperty("id").GetGuid().ToString());

        using (var remove = await SendAsync(gateway, HttpMethod.Delete, $"/api/tenants/{tenantId}/users/{member.UserId}", owner.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, remove.StatusCode);
        }

        // The removal itself is the last thing the member hears of the tenant.
        var removal = await client.WaitForAsync("member.removed", member.UserId.ToString());
        Assert.True(removal.Latency < Bound, $"member.removed took {removal.Latency.TotalMilliseconds:0} ms");

        var after = await DocumentsApi.UploadOkAsync(gateway, owner.AccessToken, tenantId, DocumentsApi.UniqueText(), "after.txt", "text/plain");
        await ownerClient.WaitForAsync("document.uploaded", after.GetProperty("id").GetGuid().ToString());
        await Task.Delay(Quiet);
        Assert.Equal(new[] { "document.uploaded", "member.removed" }, client.Received.Select(r => r.Type));

        var refused = await Assert.ThrowsAsync<HubException>(() => client.JoinAsync(tenantId));
        Assert.Contains("Tenant not found or access denied", refused.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, client.Connection.State);
    }

    [Fact]
    public async Task Connecting_needs_a_valid_token_and_a_logout_closes_open_connections()
    {
        using var gateway = platform.CreateGatewayClient();
        var user = await NewSessionAsync(gateway);

        var anonymous = await Assert.ThrowsAnyAsync<Exception>(() => NotificationClient.ConnectAsync(gateway, ""));
        Assert.Contains("401", anonymous.ToString(), StringComparison.Ordinal);
        var forged = await Assert.ThrowsAnyAsync<Exception>(() => NotificationClient.ConnectAsync(gateway, user.AccessToken[..^4] + "AAAA"));
        Assert.Contains("401", forged.ToString(), StringComparison.Ordinal);

        await using var client = await NotificationClient.ConnectAsync(gateway, user.AccessToken);
        using (var logout = await LogoutAsync(gateway, user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        }

        // Checked against the revocation list every second (Notifications:RevocationCheckInterval).
        var closed = await Task.WhenAny(client.Closed, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.Same(client.Closed, closed);
        var revoked = await Assert.ThrowsAnyAsync<Exception>(() => NotificationClient.ConnectAsync(gateway, user.AccessToken));
        Assert.Contains("401", revoked.ToString(), StringComparison.Ordinal);
    }
}
