using System.Net;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Identity;

[Collection(PlatformCollection.Name)]
public sealed class RateLimitTests(PlatformFixture platform)
{
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
