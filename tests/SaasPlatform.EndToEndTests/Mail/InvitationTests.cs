using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using SaasPlatform.EndToEndTests.Events;
using SaasPlatform.EndToEndTests.Notifications;
using SaasPlatform.EndToEndTests.Tenancy;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Mail;

/// <summary>
/// Tenant invitations through the gateway (docs/decisions/tenant-invitations.md), with the invitation e-mail read from
/// the run's maildev and its link followed: an existing account joins with the invited role (and the tenant hears of
/// it live), a new address registers and joins, another account is refused, revoked, expired and used links are
/// refused, the list shows each status, only admins manage invitations, and every step is audited.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class InvitationTests(PlatformFixture platform) : IDisposable
{
    private const string Subject = "invited you to";
    private readonly MailDevApi _mail = new(platform);

    public void Dispose() => _mail.Dispose();

    [Fact]
    public async Task An_existing_account_joins_with_the_invited_role_from_the_e_mail_link()
    {
        using var client = platform.CreateGatewayClient();
        var admin = await NewSessionAsync(client, UniqueEmail("inviter"));
        var tenant = await TenancyApi.NewTenantAsync(client, admin.AccessToken);
        var tenantId = tenant.GetProperty("id").GetGuid();
        var invitee = await NewSessionAsync(client, UniqueEmail("invitee"));
        var outsider = await NewSessionAsync(client, UniqueEmail("outsider"));
        await using var live = await NotificationClient.ConnectAsync(client, admin.AccessToken);
        await live.JoinAsync(tenantId);

        var created = await InviteAsync(client, admin.AccessToken, tenantId, invitee.Email.ToUpperInvariant(), "user");
        Assert.Equal("pending", created.GetProperty("status").GetString());
        Assert.Equal(invitee.Email, created.GetProperty("email").GetString());
        Assert.False(created.TryGetProperty("token", out _));
        var invitationId = created.GetProperty("id").GetGuid();

        var mail = await _mail.WaitForAsync(invitee.Email, Subject);
        Assert.Contains(tenant.GetProperty("name").GetString()!, mail.Subject, StringComparison.Ordinal);
        Assert.Contains("Test User", mail.Subject, StringComparison.Ordinal);   // the inviter's name
        var (link, token) = mail.TokenLink();
        Assert.Equal(platform.App.GetEndpoint("gateway", "http").Port, link.Port);
        Assert.Equal("/accept-invitation", link.AbsolutePath);
        Assert.Contains(link.ToString(), mail.Html, StringComparison.Ordinal);

        // Another account cannot use the link, even holding the token, and stays out.
        await AssertErrorAsync(await AcceptAsync(client, outsider.AccessToken, token), HttpStatusCode.Forbidden, "forbidden");
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Get, $"/api/tenants/{tenantId}", outsider.AccessToken), HttpStatusCode.NotFound, "not_found");

        var seen = live.Received.Count;
        using var accept = await AcceptAsync(client, invitee.AccessToken, token);
        var accepted = await accept.JsonAsync();
        Assert.True(accept.StatusCode == HttpStatusCode.OK, $"accept: {(int)accept.StatusCode} {accepted}");
        Assert.Equal(tenantId, accepted.GetProperty("data").GetProperty("tenant_id").GetGuid());
        Assert.Equal("user", accepted.GetProperty("data").GetProperty("role").GetString());
        var tenants = await (await SendAsync(client, HttpMethod.Get, "/api/users/me/tenants", invitee.AccessToken)).JsonAsync();
        Assert.Contains(tenants.GetProperty("data").EnumerateArray(),
            t => t.GetProperty("id").GetGuid() == tenantId && t.GetProperty("role").GetString() == "user");

        // The tenant's connected members hear of the join as of any membership added.
        var added = await live.WaitForAsync("member.added", invitee.UserId.ToString(), seen, TimeSpan.FromSeconds(30));
        Assert.Equal("user", added.Notification.GetProperty("data").GetProperty("role").GetString());

        // Single use; the outsider is still out; the list shows the invitation accepted by the invitee.
        await AssertErrorAsync(await AcceptAsync(client, invitee.AccessToken, token), HttpStatusCode.BadRequest, "invalid_token");
        await AssertErrorAsync(await AcceptAsync(client, outsider.AccessToken, token), HttpStatusCode.BadRequest, "invalid_token");
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Get, $"/api/tenants/{tenantId}", outsider.AccessToken), HttpStatusCode.NotFound, "not_found");
        var listed = (await ListAsync(client, admin.AccessToken, tenantId)).Single();
        Assert.Equal(invitationId, listed.GetProperty("id").GetGuid());
        Assert.Equal("accepted", listed.GetProperty("status").GetString());
        Assert.Equal(invitee.UserId, listed.GetProperty("accepted_by").GetGuid());

        var audit = await WaitForAuditAsync(client, admin.AccessToken, tenantId,
            ("invitation.created", invitationId.ToString()), ("invitation.accepted", invitationId.ToString()), ("member.added", invitee.UserId.ToString()));
        Assert.Equal(admin.UserId, audit["invitation.created"].GetProperty("user_id").GetGuid());
        Assert.Equal(invitee.UserId, audit["invitation.accepted"].GetProperty("user_id").GetGuid());
        Assert.Equal(invitee.UserId, audit["member.added"].GetProperty("user_id").GetGuid());
        Assert.Equal(invitationId, audit["member.added"].GetProperty("details").GetProperty("invitation_id").GetGuid());
    }

    [Fact]
    public async Task A_new_address_registers_through_the_link_and_joins()
    {
        using var client = platform.CreateGatewayClient();
        var admin = await NewSessionAsync(client, UniqueEmail("inviter"));
        var tenantId = (await TenancyApi.NewTenantAsync(client, admin.AccessToken)).GetProperty("id").GetGuid();
        var address = UniqueEmail("newcomer");

        await InviteAsync(client, admin.AccessToken, tenantId, address, "viewer");
        var (link, token) = (await _mail.WaitForAsync(address, Subject)).TokenLink();
        Assert.Equal("/accept-invitation", link.AbsolutePath);

        // What the accept page does for an address without an account: register with it, sign in, post the token.
        var newcomer = await NewSessionAsync(client, address);
        using var accept = await AcceptAsync(client, newcomer.AccessToken, token);
        Assert.Equal(HttpStatusCode.OK, accept.StatusCode);

        var tenant = await (await SendAsync(client, HttpMethod.Get, $"/api/tenants/{tenantId}", newcomer.AccessToken)).JsonAsync();
        Assert.True(tenant.GetProperty("success").GetBoolean(), tenant.ToString());
        Assert.Contains(tenant.GetProperty("data").GetProperty("members").EnumerateArray(),
            m => m.GetProperty("id").GetGuid() == newcomer.UserId && m.GetProperty("role").GetString() == "viewer");
        // A viewer may read but not manage invitations.
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Get, $"/api/tenants/{tenantId}/invitations", newcomer.AccessToken),
            HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Revoked_replaced_and_expired_links_are_refused_and_the_list_shows_each_status()
    {
        using var client = platform.CreateGatewayClient();
        var admin = await NewSessionAsync(client, UniqueEmail("inviter"));
        var tenantId = (await TenancyApi.NewTenantAsync(client, admin.AccessToken)).GetProperty("id").GetGuid();
        var revokedFor = await NewSessionAsync(client, UniqueEmail("revoked"));
        var expiredFor = await NewSessionAsync(client, UniqueEmail("expired"));
        var pendingFor = UniqueEmail("pending");

        var revoked = (await InviteAsync(client, admin.AccessToken, tenantId, revokedFor.Email, "admin")).GetProperty("id").GetGuid();
        var expired = (await InviteAsync(client, admin.AccessToken, tenantId, expiredFor.Email, "user")).GetProperty("id").GetGuid();
        var replaced = (await InviteAsync(client, admin.AccessToken, tenantId, pendingFor, "user")).GetProperty("id").GetGuid();
        var (_, revokedToken) = (await _mail.WaitForAsync(revokedFor.Email, Subject)).TokenLink();
        var (_, expiredToken) = (await _mail.WaitForAsync(expiredFor.Email, Subject)).TokenLink();

        // Revoked: the link gives the one invalid answer; revoking again changes nothing.
        using (var revoke = await SendAsync(client, HttpMethod.Delete, $"/api/tenants/{tenantId}/invitations/{revoked}", admin.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
            Assert.Equal("revoked", (await revoke.JsonAsync()).GetProperty("data").GetProperty("status").GetString());
        }

        await AssertErrorAsync(await AcceptAsync(client, revokedFor.AccessToken, revokedToken), HttpStatusCode.BadRequest, "invalid_token");
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Delete, $"/api/tenants/{tenantId}/invitations/{revoked}", admin.AccessToken)).StatusCode);

        // Expired (its expiry moved into the past, as a week going by would).
        await TenancyApi.ExecuteAsync(platform, TenancyApi.TenancyDb,
            $"UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = '{expired}'");
        await AssertErrorAsync(await AcceptAsync(client, expiredFor.AccessToken, expiredToken), HttpStatusCode.BadRequest, "invalid_token");

        // Inviting an address again replaces its pending invitation.
        var latest = (await InviteAsync(client, admin.AccessToken, tenantId, pendingFor, "viewer")).GetProperty("id").GetGuid();

        var statuses = (await ListAsync(client, admin.AccessToken, tenantId))
            .ToDictionary(i => i.GetProperty("id").GetGuid(), i => i.GetProperty("status").GetString());
        Assert.Equal(new Dictionary<Guid, string?>
        {
            [revoked] = "revoked",
            [expired] = "expired",
            [replaced] = "revoked",
            [latest] = "pending",
        }, statuses);
        // Neither refused account got in.
        foreach (var refused in new[] { revokedFor, expiredFor })
        {
            await AssertErrorAsync(await SendAsync(client, HttpMethod.Get, $"/api/tenants/{tenantId}", refused.AccessToken), HttpStatusCode.NotFound, "not_found");
        }

        var audit = await WaitForAuditAsync(client, admin.AccessToken, tenantId, ("invitation.revoked", revoked.ToString()));
        Assert.Equal(admin.UserId, audit["invitation.revoked"].GetProperty("user_id").GetGuid());
    }

    [Fact]
    public async Task Only_admins_manage_invitations_and_bad_input_gets_a_clear_4xx()
    {
        using var client = platform.CreateGatewayClient();
        var admin = await NewSessionAsync(client, UniqueEmail("inviter"));
        var tenantId = (await TenancyApi.NewTenantAsync(client, admin.AccessToken)).GetProperty("id").GetGuid();
        var member = await NewSessionAsync(client, UniqueEmail("member"));
        var outsider = await NewSessionAsync(client, UniqueEmail("outsider"));
        await TenancyApi.AddMemberAsync(client, admin.AccessToken, tenantId, member.UserId, "user");
        var invitationId = (await InviteAsync(client, admin.AccessToken, tenantId, UniqueEmail("someone"), "user")).GetProperty("id").GetGuid();
        var path = $"/api/tenants/{tenantId}/invitations";
        object invite = new { email = UniqueEmail("other"), role = "user" };

        // A member below admin: 403; a non-member: 404 (the tenant's existence is not told).
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Post, path, member.AccessToken, invite), HttpStatusCode.Forbidden, "forbidden");
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Get, path, member.AccessToken), HttpStatusCode.Forbidden, "forbidden");
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Delete, $"{path}/{invitationId}", member.AccessToken), HttpStatusCode.Forbidden, "forbidden");
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Post, path, outsider.AccessToken, invite), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Get, path, outsider.AccessToken), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Delete, $"{path}/{invitationId}", outsider.AccessToken), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(new Uri(path, UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/invitations/accept", new { token = "x" })).StatusCode);
        Assert.Single(await ListAsync(client, admin.AccessToken, tenantId));

        // Bad input.
        var invalid = await AssertErrorAsync(await SendAsync(client, HttpMethod.Post, path, admin.AccessToken, new { email = "not-an-address", role = "owner" }),
            HttpStatusCode.BadRequest, "validation_error");
        Assert.True(invalid.GetProperty("details").TryGetProperty("email", out _), invalid.ToString());
        Assert.True(invalid.GetProperty("details").TryGetProperty("role", out _), invalid.ToString());
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Post, path, admin.AccessToken, new[] { 1 }), HttpStatusCode.BadRequest, "validation_error");
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Post, path, admin.AccessToken, new { email = (string?)null, role = 3 }),
            HttpStatusCode.BadRequest, "validation_error");
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Post, path, admin.AccessToken, new { email = member.Email, role = "user" }),
            HttpStatusCode.BadRequest, "bad_request");
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Delete, $"{path}/{Guid.NewGuid()}", admin.AccessToken), HttpStatusCode.NotFound, "not_found");
        await AssertErrorAsync(await AcceptAsync(client, outsider.AccessToken, "not-a-token"), HttpStatusCode.BadRequest, "invalid_token");
        await AssertErrorAsync(await AcceptAsync(client, outsider.AccessToken, new string('A', 43)), HttpStatusCode.BadRequest, "invalid_token");
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Post, "/api/invitations/accept", outsider.AccessToken, new { }),
            HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task Concurrent_accepts_of_one_link_let_the_invitee_in_once()
    {
        using var client = platform.CreateGatewayClient();
        var admin = await NewSessionAsync(client, UniqueEmail("inviter"));
        var tenantId = (await TenancyApi.NewTenantAsync(client, admin.AccessToken)).GetProperty("id").GetGuid();
        var invitee = await NewSessionAsync(client, UniqueEmail("racer"));
        await InviteAsync(client, admin.AccessToken, tenantId, invitee.Email, "user");
        var (_, token) = (await _mail.WaitForAsync(invitee.Email, Subject)).TokenLink();

        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => AcceptAsync(client, invitee.AccessToken, token)));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.All(answers.Where(a => a.StatusCode != HttpStatusCode.OK), a => Assert.Equal(HttpStatusCode.BadRequest, a.StatusCode));
        Assert.Equal(1L, await TenancyApi.ScalarAsync<long>(platform, TenancyApi.TenancyDb,
            "SELECT count(*) FROM user_tenant_associations WHERE tenant_id = @p0 AND user_id = @p1", tenantId, invitee.UserId));
        Assert.Equal("accepted", (await ListAsync(client, admin.AccessToken, tenantId)).Single().GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_tenant_past_its_hourly_invitations_gets_429_with_retry_after()
    {
        using var client = platform.CreateGatewayClient();
        var admin = await NewSessionAsync(client, UniqueEmail("inviter"));
        var tenantId = (await TenancyApi.NewTenantAsync(client, admin.AccessToken)).GetProperty("id").GetGuid();
        // The hour's allowance (Tenants:Invitations:MaxPerTenantPerHour, 100) used up, without sending 100 e-mails.
        await TenancyApi.ExecuteAsync(platform, TenancyApi.TenancyDb, $"""
            INSERT INTO invitations (id, tenant_id, email, role, token_hash, invited_by, created_at, expires_at)
            SELECT gen_random_uuid(), '{tenantId}', 'bulk-' || g || '@example.com', 'user', md5(random()::text) || md5(random()::text),
                   '{admin.UserId}', now() - interval '10 minutes', now() + interval '7 days'
            FROM generate_series(1, 100) g
            """);

        using var refused = await SendAsync(client, HttpMethod.Post, $"/api/tenants/{tenantId}/invitations", admin.AccessToken,
            new { email = UniqueEmail("one-more"), role = "user" });

        await AssertErrorAsync(refused, (HttpStatusCode)429, "rate_limited");
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { } wait && wait > TimeSpan.FromMinutes(45) && wait <= TimeSpan.FromMinutes(51), $"Retry-After {retryAfter}");
    }

    private static async Task<JsonElement> InviteAsync(HttpClient client, string adminToken, Guid tenantId, string email, string role)
    {
        using var response = await SendAsync(client, HttpMethod.Post, $"/api/tenants/{tenantId}/invitations", adminToken, new { email, role });
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"invite: {(int)response.StatusCode} {body}");
        return body.GetProperty("data");
    }

    private static async Task<List<JsonElement>> ListAsync(HttpClient client, string adminToken, Guid tenantId)
    {
        using var response = await SendAsync(client, HttpMethod.Get, $"/api/tenants/{tenantId}/invitations", adminToken);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"list: {(int)response.StatusCode} {body}");
        return [.. body.GetProperty("data").EnumerateArray()];
    }

    private static Task<HttpResponseMessage> AcceptAsync(HttpClient client, string accessToken, string token) =>
        SendAsync(client, HttpMethod.Post, "/api/invitations/accept", accessToken, new { token });

    /// <summary>
    /// Waits until the tenant's audit log (read through the gateway) holds an entry of each action about its resource;
    /// returns those entries by action.
    /// </summary>
    private static async Task<Dictionary<string, JsonElement>> WaitForAuditAsync(HttpClient client, string adminToken, Guid tenantId,
        params (string Action, string ResourceId)[] expected)
    {
        var found = new Dictionary<string, JsonElement>();
        var complete = await EventsDatabase.WaitUntilAsync(async () =>
        {
            using var response = await SendAsync(client, HttpMethod.Get, $"/api/tenants/{tenantId}/audit?per_page=100", adminToken);
            var entries = (await response.JsonAsync()).GetProperty("data").GetProperty("audit_logs").EnumerateArray().ToList();
            found = expected
                .Select(e => entries.FirstOrDefault(a => a.GetProperty("action").GetString() == e.Action && a.GetProperty("resource_id").GetString() == e.ResourceId))
                .Where(a => a.ValueKind == JsonValueKind.Object)
                .ToDictionary(a => a.GetProperty("action").GetString()!);
            return found.Count == expected.Length;
        }, TimeSpan.FromSeconds(60));
        Assert.True(complete, $"audit entries {string.Join(", ", expected)} expected; found {string.Join(", ", found.Keys)}");
        return found;
    }
}
