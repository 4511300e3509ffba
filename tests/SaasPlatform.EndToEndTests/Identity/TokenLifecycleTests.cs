using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Identity;

/// <summary>Refresh rotation, reuse detection, logout and deactivation, as every service sees them (decision D6).</summary>
[Collection(PlatformCollection.Name)]
public sealed class TokenLifecycleTests(PlatformFixture platform)
{
    /// <summary>The contract's bound on how late another service may still accept a revoked token.</summary>
    private static readonly TimeSpan PropagationBound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Tokens_carry_the_platform_claims()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);

        var header = JwtPart(session.AccessToken, 0);
        var access = JwtPart(session.AccessToken, 1);
        var refresh = JwtPart(session.RefreshToken, 1);

        Assert.Equal("ES256", header.GetProperty("alg").GetString());
        Assert.False(string.IsNullOrEmpty(header.GetProperty("kid").GetString()));
        Assert.Equal(session.UserId.ToString(), access.GetProperty("sub").GetString());
        Assert.Equal("access", access.GetProperty("type").GetString());
        Assert.Equal("refresh", refresh.GetProperty("type").GetString());
        Assert.Equal(access.GetProperty("sid").GetString(), refresh.GetProperty("sid").GetString());
        Assert.Equal(15 * 60, access.GetProperty("exp").GetInt64() - access.GetProperty("iat").GetInt64());
        Assert.Equal(7 * 24 * 3600, refresh.GetProperty("exp").GetInt64() - refresh.GetProperty("iat").GetInt64());
        foreach (var claim in new[] { "jti", "nbf", "iss", "aud" })
        {
            Assert.True(access.TryGetProperty(claim, out _), claim);
        }
    }

    [Fact]
    public async Task Refresh_rotates_both_tokens_and_the_new_access_token_works()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);

        var response = await RefreshAsync(client, session.RefreshToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        var access = body.GetProperty("access_token").GetString()!;
        var refresh = body.GetProperty("refresh_token").GetString()!;
        Assert.NotEqual(session.RefreshToken, access);
        Assert.NotEqual(session.AccessToken, access);
        Assert.NotEqual(session.RefreshToken, refresh);
        Assert.Equal(access, body.GetProperty("data").GetProperty("access_token").GetString());
        var me = await MeAsync(client, access);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(session.Email, (await me.JsonAsync()).GetProperty("data").GetProperty("email").GetString());
        Assert.Equal(HttpStatusCode.OK, (await RefreshAsync(client, refresh)).StatusCode);
    }

    [Fact]
    public async Task Reusing_a_used_refresh_token_revokes_the_whole_session()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);
        var rotated = await (await RefreshAsync(client, session.RefreshToken)).JsonAsync();
        var newAccess = rotated.GetProperty("access_token").GetString()!;
        var newRefresh = rotated.GetProperty("refresh_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(client, newAccess)).StatusCode);

        var replay = await RefreshAsync(client, session.RefreshToken);

        await AssertErrorAsync(replay, HttpStatusCode.Unauthorized, "token_revoked");
        await AssertErrorAsync(await MeAsync(client, newAccess), HttpStatusCode.Unauthorized, "token_revoked");
        await AssertErrorAsync(await MeAsync(client, session.AccessToken), HttpStatusCode.Unauthorized, "token_revoked");
        await AssertErrorAsync(await RefreshAsync(client, newRefresh), HttpStatusCode.Unauthorized, "token_revoked");
        // Another session of the same user is untouched.
        var other = await LoginSessionAsync(client, session.Email);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(client, other.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task Wrong_token_types_are_401()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);

        await AssertErrorAsync(await RefreshAsync(client, session.AccessToken), HttpStatusCode.Unauthorized, "invalid_token");
        await AssertErrorAsync(await MeAsync(client, session.RefreshToken), HttpStatusCode.Unauthorized, "invalid_token");
        await AssertErrorAsync(await LogoutAsync(client, session.RefreshToken), HttpStatusCode.Unauthorized, "invalid_token");
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Post, "/api/auth/refresh", null), HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Logout_revokes_the_access_token_and_the_session_at_once_in_identity()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);

        var logout = await LogoutAsync(client, session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        var body = await logout.JsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Contains("Logged out successfully", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        await AssertErrorAsync(await MeAsync(client, session.AccessToken), HttpStatusCode.Unauthorized, "token_revoked");
        await AssertErrorAsync(await LogoutAsync(client, session.AccessToken), HttpStatusCode.Unauthorized, "token_revoked");
        await AssertErrorAsync(await RefreshAsync(client, session.RefreshToken), HttpStatusCode.Unauthorized, "token_revoked");
    }

    [Fact]
    public async Task Logout_with_another_sessions_refresh_token_revokes_that_session_too()
    {
        using var client = platform.CreateGatewayClient();
        var first = await NewSessionAsync(client);
        var second = await LoginSessionAsync(client, first.Email);
        var stranger = await NewSessionAsync(client);

        var logout = await LogoutAsync(client, first.AccessToken, new { refresh_token = second.RefreshToken });
        var third = await LoginSessionAsync(client, first.Email);
        var foreign = await LogoutAsync(client, third.AccessToken, new { refresh_token = stranger.RefreshToken });

        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);
        await AssertErrorAsync(await MeAsync(client, second.AccessToken), HttpStatusCode.Unauthorized, "token_revoked");
        await AssertErrorAsync(await RefreshAsync(client, second.RefreshToken), HttpStatusCode.Unauthorized, "token_revoked");
        // Someone else's refresh token in the body changes nothing for its owner.
        Assert.Equal(HttpStatusCode.OK, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(client, stranger.AccessToken)).StatusCode);
    }

    [Fact]
    public async Task A_logged_out_token_is_refused_by_tenancy_within_one_second()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(client, HttpMethod.Get, "/api/tenants", session.AccessToken)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await LogoutAsync(client, session.AccessToken)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithinAsync(PropagationBound, HttpStatusCode.Unauthorized,
            () => SendAsync(client, HttpMethod.Get, "/api/tenants", session.AccessToken)));
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Get, "/api/tenants", session.AccessToken),
            HttpStatusCode.Unauthorized, "token_revoked");
    }

    /// <summary>
    /// Documents.Api validates tokens with the shared code too: before logout the token passes authentication (a
    /// non-member gets 404 for an unknown tenant), after logout it is refused with 401 within the bound.
    /// </summary>
    [Fact]
    public async Task A_logged_out_token_is_refused_by_documents_within_one_second()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);
        var path = $"/api/files/{Guid.NewGuid()}/files";
        var before = await SendAsync(client, HttpMethod.Get, path, session.AccessToken);
        Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await LogoutAsync(client, session.AccessToken)).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithinAsync(PropagationBound, HttpStatusCode.Unauthorized,
            () => SendAsync(client, HttpMethod.Get, path, session.AccessToken)));
    }

    [Fact]
    public async Task A_user_deactivated_in_sql_is_refused_by_every_service_and_cannot_refresh()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);
        Assert.Equal(HttpStatusCode.OK, (await MeAsync(client, session.AccessToken)).StatusCode);

        await IdentityDatabase.ExecuteAsync(platform, "UPDATE users SET is_active = false WHERE id = @id", ("id", session.UserId));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithinAsync(PropagationBound, HttpStatusCode.Unauthorized,
            () => MeAsync(client, session.AccessToken)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithinAsync(PropagationBound, HttpStatusCode.Unauthorized,
            () => SendAsync(client, HttpMethod.Get, "/api/tenants", session.AccessToken)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithinAsync(PropagationBound, HttpStatusCode.Unauthorized,
            () => SendAsync(client, HttpMethod.Get, $"/api/files/{Guid.NewGuid()}/files", session.AccessToken)));
        var refresh = await AssertErrorAsync(await RefreshAsync(client, session.RefreshToken), HttpStatusCode.Forbidden, "account_inactive");
        Assert.Contains("deactivated", refresh.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_user_cannot_refresh_and_its_tokens_are_refused()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);

        await IdentityDatabase.ExecuteAsync(platform, "DELETE FROM users WHERE id = @id", ("id", session.UserId));

        await AssertErrorAsync(await RefreshAsync(client, session.RefreshToken), HttpStatusCode.NotFound, "user_not_found");
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithinAsync(PropagationBound, HttpStatusCode.Unauthorized,
            () => SendAsync(client, HttpMethod.Get, "/api/tenants", session.AccessToken)));
    }

    [Fact]
    public async Task The_internal_deactivate_endpoint_revokes_like_sql_does()
    {
        using var client = platform.CreateGatewayClient();
        using var identity = platform.CreateInternalClient("identity-api");
        var session = await NewSessionAsync(client);

        var response = await identity.PostAsync($"/internal/users/{session.UserId}/deactivate", null);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusWithinAsync(PropagationBound, HttpStatusCode.Unauthorized,
            () => MeAsync(client, session.AccessToken)));
        Assert.Equal(HttpStatusCode.NotFound, (await identity.PostAsync($"/internal/users/{Guid.NewGuid()}/deactivate", null)).StatusCode);
    }

    [Fact]
    public async Task Revocations_are_durable_in_the_feed_other_services_and_restarts_read()
    {
        using var client = platform.CreateGatewayClient();
        using var identity = platform.CreateInternalClient("identity-api");
        var session = await NewSessionAsync(client);
        var jti = JwtPart(session.AccessToken, 1).GetProperty("jti").GetString();
        var sid = JwtPart(session.AccessToken, 1).GetProperty("sid").GetString();

        await LogoutAsync(client, session.AccessToken);
        var items = new List<JsonElement>();
        long cursor = 0;
        while (true)
        {
            var page = await identity.GetFromJsonAsync<JsonElement>($"/internal/revocations?after={cursor}");
            var batch = page.GetProperty("items").EnumerateArray().ToList();
            if (batch.Count == 0)
            {
                break;
            }

            items.AddRange(batch);
            Assert.True(page.GetProperty("cursor").GetInt64() > cursor);
            cursor = page.GetProperty("cursor").GetInt64();
        }

        var token = Assert.Single(items, i => i.GetProperty("kind").GetString() == "token" && i.GetProperty("value").GetString() == jti);
        Assert.Contains(items, i => i.GetProperty("kind").GetString() == "session" && i.GetProperty("value").GetString() == sid);
        Assert.True(token.GetProperty("expires_at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(14));
        var ids = items.Select(i => i.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids.Order(), ids);
    }

    [Fact]
    public async Task A_long_poll_of_the_revocation_feed_answers_when_a_logout_commits_and_waits_out_its_time_otherwise()
    {
        using var client = platform.CreateGatewayClient();
        using var identity = platform.CreateInternalClient("identity-api");
        var session = await NewSessionAsync(client);
        var jti = JwtPart(session.AccessToken, 1).GetProperty("jti").GetString();

        // The feed's end: the cursor after everything revoked so far.
        long cursor = 0;
        while (await identity.GetFromJsonAsync<JsonElement>($"/internal/revocations?after={cursor}") is var page
               && page.GetProperty("items").GetArrayLength() > 0)
        {
            cursor = page.GetProperty("cursor").GetInt64();
        }

        // Nothing new: the answer waits the time asked for, and is empty.
        var idle = System.Diagnostics.Stopwatch.StartNew();
        var empty = await identity.GetFromJsonAsync<JsonElement>($"/internal/revocations?after={cursor}&wait_ms=1000");
        idle.Stop();
        Assert.True(idle.ElapsedMilliseconds >= 900, $"an empty long poll answered after {idle.ElapsedMilliseconds} ms");
        Assert.True(empty.GetProperty("items").GetArrayLength() == 0 || empty.GetProperty("cursor").GetInt64() > cursor);

        // A logout while a reader waits (up to 10 s): the answer comes with it, long before the wait is over.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var waiting = identity.GetFromJsonAsync<JsonElement>($"/internal/revocations?after={empty.GetProperty("cursor").GetInt64()}&wait_ms=10000");
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted, "the long poll answered before anything was revoked");
        using (var logout = await LogoutAsync(client, session.AccessToken))
        {
            Assert.True(logout.IsSuccessStatusCode);
        }

        var loggedOut = clock.Elapsed;
        var answer = await waiting;
        var latency = clock.Elapsed - loggedOut;
        Assert.Contains(answer.GetProperty("items").EnumerateArray(), i => i.GetProperty("value").GetString() == jti);
        Assert.True(latency < TimeSpan.FromSeconds(3), $"the long poll answered {latency.TotalMilliseconds:0} ms after the logout");
    }
}
