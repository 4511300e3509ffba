using System.Net;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Identity;

/// <summary>
/// Login lockout through the gateway (docs/decisions/login-lockout.md): only failed verifications count, per (email,
/// client address) with a looser per-email ceiling, and the owner's right password from an address without
/// failures is never refused. Each test client has its own address (X-Forwarded-For from loopback).
/// These replace the test that asserted the right password is refused during a burst: that was the bug (issue 16).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class LockoutTests(PlatformFixture platform)
{
    [Fact]
    public async Task Failures_from_one_address_hold_that_address_back_but_not_the_owner_elsewhere()
    {
        var email = await RegisteredAsync("locked");
        using var attacker = platform.CreateGatewayClient(NewAddress());

        for (var i = 0; i < 5; i++)
        {
            await AssertErrorAsync(await LoginAsync(attacker, email, "WrongPass1"), HttpStatusCode.Unauthorized, "invalid_credentials");
        }

        var refused = await LoginAsync(attacker, email, "WrongPass1");
        await AssertErrorAsync(refused, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.InRange(refused.Headers.RetryAfter?.Delta ?? TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        // Even the right password waits at that address: the guesses there are what is being stopped.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(attacker, email)).StatusCode);

        using var owner = platform.CreateGatewayClient(NewAddress());
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(owner, email)).StatusCode);
    }

    [Fact]
    public async Task Successful_logins_never_count_and_a_success_clears_the_failures_of_its_address()
    {
        var email = await RegisteredAsync("fine");
        using var client = platform.CreateGatewayClient(NewAddress());

        // More successful logins than the old per-email limit (10 a minute) allowed attempts.
        for (var i = 0; i < 11; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, email)).StatusCode);
        }

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, email, "WrongPass1")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, email)).StatusCode);
        // The allowance starts again after the success: five more failures before a wait.
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(client, email, "WrongPass1")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(client, email, "WrongPass1")).StatusCode);
    }

    [Fact]
    public async Task Past_the_per_email_ceiling_addresses_that_failed_wait_and_a_clean_address_still_logs_in()
    {
        var email = await RegisteredAsync("spread");
        // One wrong password from each of 21 addresses: never the per-address allowance, but past the email's 20.
        var addresses = Enumerable.Range(0, 21).Select(_ => NewAddress()).ToList();
        var clients = addresses.Select(platform.CreateGatewayClient).ToList();
        var statuses = await Task.WhenAll(clients.Select(async c => (await LoginAsync(c, email, "WrongPass1")).StatusCode));
        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.Unauthorized, s));

        // An address that took part now waits, the right password included (it may be the attacker's next guess)...
        var refused = await LoginAsync(clients[0], email);
        await AssertErrorAsync(refused, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        // ...while the owner, from an address without failures, is not blocked by anyone else's.
        using var owner = platform.CreateGatewayClient(NewAddress());
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(owner, email)).StatusCode);
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task The_state_lives_in_identitydb_so_every_replica_applies_it()
    {
        var email = await RegisteredAsync("shared");
        var address = NewAddress();
        using var client = platform.CreateGatewayClient(address);

        await AssertErrorAsync(await LoginAsync(client, email, "WrongPass1"), HttpStatusCode.Unauthorized, "invalid_credentials");
        Assert.Equal(1, await FailuresAsync(email, address));
        Assert.Equal(1, await FailuresAsync(email, "*"));

        // Failures another replica recorded (a row in the shared table, not this process's memory) hold the address back.
        await IdentityDatabase.ExecuteAsync(platform,
            "UPDATE login_failures SET failures = 7, last_failure_at = now() WHERE email = @e AND address = @a", ("e", email), ("a", address));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(client, email)).StatusCode);

        // Below the allowance again, the right password passes and clears the address's row; the per-email count stays.
        await IdentityDatabase.ExecuteAsync(platform,
            "UPDATE login_failures SET failures = 2 WHERE email = @e AND address = @a", ("e", email), ("a", address));
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, email)).StatusCode);
        Assert.Equal(0, await FailuresAsync(email, address));
        Assert.Equal(1, await FailuresAsync(email, "*"));
    }

    private async Task<string> RegisteredAsync(string prefix)
    {
        var email = UniqueEmail(prefix);
        using var setup = platform.CreateGatewayClient();
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(setup, email)).StatusCode);
        return email;
    }

    private Task<int> FailuresAsync(string email, string address) =>
        IdentityDatabase.ScalarAsync<int>(platform, "SELECT failures FROM login_failures WHERE email = @e AND address = @a",
            ("e", email), ("a", address));

    /// <summary>An address of its own (198.18.0.0/15, the benchmarking range) for one test client.</summary>
    internal static string NewAddress() => $"198.19.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}";
}
