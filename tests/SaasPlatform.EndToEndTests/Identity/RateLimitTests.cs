using System.Net;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Identity;

[Collection(PlatformCollection.Name)]
public sealed class RateLimitTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_burst_of_wrong_passwords_on_one_account_is_answered_429_with_retry_after()
    {
        var email = UniqueEmail("burst");
        using (var setup = platform.CreateGatewayClient())
        {
            await RegisterAsync(setup, email);
        }

        // Each attempt from a different client address: the per-email limit (10 a minute) still applies. Sent
        // together, so every attempt reaches the limiter inside one window however slow the machine is.
        var clients = Enumerable.Range(0, 12).Select(_ => platform.CreateGatewayClient()).ToList();
        var responses = await Task.WhenAll(clients.Select(c => LoginAsync(c, email, "WrongPass1")));
        var statuses = responses.Select(r => r.StatusCode).ToList();
        var limited = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);

        Assert.NotNull(limited);
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        await AssertErrorAsync(limited, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        clients.ForEach(c => c.Dispose());
        // The right password is refused too while the window lasts: that is what stops guessing.
        using var late = platform.CreateGatewayClient();
        Assert.Equal(HttpStatusCode.TooManyRequests, (await LoginAsync(late, email)).StatusCode);
    }

    /// <summary>
    /// Identity's own per-address limit (30 logins a minute), seen directly: the gateway is bypassed and the
    /// address comes from X-Forwarded-For, which Identity honours only from a trusted proxy (loopback here).
    /// </summary>
    [Fact]
    public async Task Logins_from_one_address_are_limited_whatever_the_email()
    {
        using var identity = platform.CreateDirectClient("identity-api");
        identity.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.{Random.Shared.Next(1, 255)}");

        // Sent together: the limiter decides on arrival (before bcrypt), so all 31 fall in one window.
        var responses = await Task.WhenAll(Enumerable.Range(0, 31).Select(_ => LoginAsync(identity, UniqueEmail("addr"), "WrongPass1")));
        var statuses = responses.Select(r => r.StatusCode).ToList();

        Assert.Equal(30, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        // Another address is not affected.
        using var other = platform.CreateDirectClient("identity-api");
        other.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.0");
        Assert.Equal(HttpStatusCode.Unauthorized, (await LoginAsync(other, UniqueEmail("addr"), "WrongPass1")).StatusCode);
    }
}
