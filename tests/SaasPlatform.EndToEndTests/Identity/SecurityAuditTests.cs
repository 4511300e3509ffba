using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SaasPlatform.EndToEndTests.Tenancy;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Identity;

/// <summary>
/// Security events end to end: Identity.Api and Tenancy.Api write them to their outboxes, the relays publish them,
/// Events.Worker stores them, and operators read the security log (<c>GET /internal/security-log</c> on
/// events-worker, internal key only; docs/decisions/security-log.md). Tenant events also stay in the tenant's log.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SecurityAuditTests(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Registration_logins_failures_logout_and_refresh_reuse_reach_the_security_log()
    {
        var address = LockoutTests.NewAddress();
        using var gateway = platform.CreateGatewayClient(address);
        var email = UniqueEmail("audited");
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(gateway, email)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(gateway, email, "WrongPass1")).StatusCode);
        var first = await LoginSessionAsync(gateway, email);
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(gateway, first.RefreshToken)).StatusCode);
        await AssertErrorAsync(await RefreshAsync(gateway, first.RefreshToken), HttpStatusCode.Unauthorized, "token_revoked");
        var second = await LoginSessionAsync(gateway, email);
        Assert.Equal(HttpStatusCode.OK, (await LogoutAsync(gateway, second.AccessToken)).StatusCode);

        var events = await WaitForSecurityEventsAsync($"?user_id={first.UserId}", 6);

        Assert.Equal(
            ["user.logout", "user.login", "user.refresh_token_reused", "user.login", "user.login_failed", "user.registered"],
            events.Select(e => e.GetProperty("action").GetString()));
        Assert.All(events, e => Assert.Equal(JsonValueKind.Null, e.GetProperty("tenant_id").ValueKind));
        Assert.All(events, e => Assert.Equal(address, e.GetProperty("details").GetProperty("client_address").GetString()));
        var failed = events.Single(e => e.GetProperty("action").GetString() == "user.login_failed").GetProperty("details");
        Assert.Equal("invalid_password", failed.GetProperty("reason").GetString());
        Assert.Equal(email, failed.GetProperty("email").GetString());
        var reused = events.Single(e => e.GetProperty("action").GetString() == "user.refresh_token_reused");
        Assert.Equal(JwtPart(first.AccessToken, 1).GetProperty("sid").GetString(), reused.GetProperty("resource_id").GetString());
    }

    [Fact]
    public async Task A_failed_login_on_an_unknown_email_is_recorded_with_that_email()
    {
        using var gateway = platform.CreateGatewayClient(LockoutTests.NewAddress());
        var email = UniqueEmail("nobody");

        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(gateway, email, "WrongPass1")).StatusCode);

        var events = await WaitForSecurityEventsAsync("?action=user.login_failed&limit=200", 1,
            e => e.GetProperty("details").GetProperty("email").GetString() == email);
        var entry = Assert.Single(events);
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("user_id").ValueKind);
        Assert.Equal("unknown_email", entry.GetProperty("details").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Role_changes_and_tenant_deletion_are_in_the_tenant_log_and_the_security_log()
    {
        using var gateway = platform.CreateGatewayClient();
        var admin = await NewSessionAsync(gateway, UniqueEmail("sec-admin"));
        var member = await NewSessionAsync(gateway, UniqueEmail("sec-member"));
        var tenant = await TenancyApi.NewTenantAsync(gateway, admin.AccessToken);
        var tenantId = tenant.GetProperty("id").GetGuid();
        await TenancyApi.AddMemberAsync(gateway, admin.AccessToken, tenantId, member.UserId, "viewer");
        Assert.Equal(HttpStatusCode.OK,
            (await SendAsync(gateway, HttpMethod.Delete, $"/api/tenants/{tenantId}/users/{member.UserId}", admin.AccessToken)).StatusCode);

        // The tenant's admins see the membership changes in their log while the tenant exists.
        var tenantLog = await WaitForTenantAuditAsync(gateway, admin.AccessToken, tenantId, 3);
        Assert.Equal(["member.removed", "member.added", "tenant.created"], tenantLog.Select(e => e.GetProperty("action").GetString()));

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(gateway, HttpMethod.Delete, $"/api/tenants/{tenantId}", admin.AccessToken)).StatusCode);

        // Operators see them too, and the deletion, which the tenant's own log can no longer show.
        var events = await WaitForSecurityEventsAsync($"?user_id={admin.UserId}", 5,
            e => e.GetProperty("tenant_id").ValueKind == JsonValueKind.Null || e.GetProperty("tenant_id").GetGuid() == tenantId);
        var tenantEvents = events.Where(e => e.GetProperty("tenant_id").ValueKind != JsonValueKind.Null).ToList();
        Assert.Equal(["tenant.deleted", "member.removed", "member.added"], tenantEvents.Select(e => e.GetProperty("action").GetString()));
        Assert.Equal("viewer", tenantEvents[1].GetProperty("details").GetProperty("role").GetString());
        Assert.Equal(member.UserId.ToString(), tenantEvents[2].GetProperty("resource_id").GetString());
        Assert.Equal(tenant.GetProperty("name").GetString(), tenantEvents[0].GetProperty("details").GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_security_log_is_for_holders_of_the_internal_key_only_and_not_routed_by_the_gateway()
    {
        using var direct = platform.CreateDirectClient("events-worker");
        using var gateway = platform.CreateGatewayClient();
        using var internalClient = platform.CreateInternalClient("events-worker");

        await AssertErrorAsync(await direct.GetAsync(new Uri("/internal/security-log", UriKind.Relative)), HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal(HttpStatusCode.NotFound, (await gateway.GetAsync(new Uri("/internal/security-log", UriKind.Relative))).StatusCode);
        var invalid = await AssertErrorAsync(
            await internalClient.GetAsync(new Uri("/internal/security-log?limit=0&cursor=x&user_id=nope", UriKind.Relative)),
            HttpStatusCode.BadRequest, "validation_error");
        Assert.True(invalid.GetProperty("details").TryGetProperty("limit", out _));
        Assert.True(invalid.GetProperty("details").TryGetProperty("cursor", out _));
        Assert.True(invalid.GetProperty("details").TryGetProperty("user_id", out _));
    }

    [Fact]
    public async Task Pages_follow_the_cursor_without_gaps_or_repeats()
    {
        using var gateway = platform.CreateGatewayClient(LockoutTests.NewAddress());
        var session = await NewSessionAsync(gateway, UniqueEmail("paged"));
        for (var i = 0; i < 3; i++)
        {
            await LoginSessionAsync(gateway, session.Email);
        }

        // registered + four logins, read two at a time.
        var all = await WaitForSecurityEventsAsync($"?user_id={session.UserId}", 5);
        using var client = platform.CreateInternalClient("events-worker");
        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var page = await GetDataAsync(client, $"/internal/security-log?user_id={session.UserId}&limit=2" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page.GetProperty("security_events").EnumerateArray().Select(e => e.GetProperty("id").GetString()!));
            cursor = page.GetProperty("next_cursor").GetString();
        }
        while (cursor is not null);

        Assert.Equal(all.Select(e => e.GetProperty("id").GetString()), seen);
    }

    [Fact]
    public async Task Identity_keeps_working_while_Kafka_is_down_and_its_events_arrive_afterwards()
    {
        using var gateway = platform.CreateGatewayClient(LockoutTests.NewAddress());
        using var broker = platform.CreateDirectClient("kafka-dev-broker");
        var email = UniqueEmail("kafka-down");

        (await broker.PostAsync(new Uri("/broker/down", UriKind.Relative), null)).EnsureSuccessStatusCode();
        Session session;
        try
        {
            // The events wait in identitydb's outbox; nothing a user does waits for Kafka.
            session = await NewSessionAsync(gateway, email);
            Assert.Equal(HttpStatusCode.OK, (await LogoutAsync(gateway, session.AccessToken)).StatusCode);
        }
        finally
        {
            (await broker.PostAsync(new Uri("/broker/up", UriKind.Relative), null)).EnsureSuccessStatusCode();
        }

        var events = await WaitForSecurityEventsAsync($"?user_id={session.UserId}", 3, timeout: TimeSpan.FromSeconds(120));
        Assert.Equal(["user.logout", "user.login", "user.registered"], events.Select(e => e.GetProperty("action").GetString()));
    }

    /// <summary>Polls the security log until <paramref name="count"/> matching events are there (then checks no more come).</summary>
    private async Task<List<JsonElement>> WaitForSecurityEventsAsync(string query, int count, Func<JsonElement, bool>? filter = null,
        TimeSpan? timeout = null)
    {
        using var client = platform.CreateInternalClient("events-worker");
        var deadline = DateTime.UtcNow + (timeout ?? Patience);
        List<JsonElement> events;
        while (true)
        {
            var data = await GetDataAsync(client, "/internal/security-log" + query);
            events = [.. data.GetProperty("security_events").EnumerateArray().Where(e => filter?.Invoke(e) ?? true)];
            if (events.Count >= count || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(200);
        }

        Assert.True(events.Count == count, $"expected {count} security events, got {events.Count}: {string.Join(", ", events.Select(e => e.GetProperty("action")))}");
        return events;
    }

    private static async Task<JsonElement> GetDataAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return body.GetProperty("data");
    }

    private static async Task<List<JsonElement>> WaitForTenantAuditAsync(HttpClient gateway, string token, Guid tenantId, int count)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var response = await SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{tenantId}/audit", token);
            var logs = (await response.JsonAsync()).GetProperty("data").GetProperty("audit_logs").EnumerateArray().ToList();
            if (logs.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.Equal(count, logs.Count);
                return logs;
            }

            await Task.Delay(200);
        }
    }
}
