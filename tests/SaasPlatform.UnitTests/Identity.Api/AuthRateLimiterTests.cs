using System.Net;
using Identity.Api.Accounts;
using Microsoft.Extensions.Options;

namespace SaasPlatform.UnitTests.Identity.Api;

public sealed class AuthRateLimiterTests
{
    private static readonly IPAddress Client = IPAddress.Parse("203.0.113.7");

    [Fact]
    public void Logins_are_not_limited_per_email_so_nobody_can_use_the_limiter_to_lock_an_account()
    {
        // Lockout on an account counts failed verifications only (LoginLockout); this limiter must not count attempts
        // on an email, or a stream of wrong passwords would refuse the owner's right one.
        using var limiter = Limiter(perEmail: 3, perAddress: 100);

        for (var i = 0; i < 10; i++)
        {
            Assert.Null(limiter.TryAcquire(AuthAction.Login, IPAddress.Parse($"203.0.113.{i + 1}"), "victim@example.com"));
        }
    }

    [Fact]
    public void Registrations_on_one_email_stop_at_the_per_email_limit_whatever_the_address()
    {
        using var limiter = Limiter(perEmail: 3, perAddress: 100);

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(limiter.TryAcquire(AuthAction.Register, IPAddress.Parse($"203.0.113.{i + 1}"), "new@example.com"));
        }

        var retryAfter = limiter.TryAcquire(AuthAction.Register, IPAddress.Parse("198.51.100.1"), "new@example.com");
        Assert.NotNull(retryAfter);
        Assert.True(retryAfter > TimeSpan.Zero);
        Assert.Null(limiter.TryAcquire(AuthAction.Register, Client, "other@example.com"));
    }

    [Fact]
    public void Attempts_from_one_address_stop_at_the_per_address_limit_whatever_the_email()
    {
        using var limiter = Limiter(perEmail: 100, perAddress: 3);

        for (var i = 0; i < 3; i++)
        {
            Assert.Null(limiter.TryAcquire(AuthAction.Login, Client, $"user{i}@example.com"));
        }

        Assert.NotNull(limiter.TryAcquire(AuthAction.Login, Client, "fresh@example.com"));
        Assert.Null(limiter.TryAcquire(AuthAction.Login, IPAddress.Parse("203.0.113.8"), "fresh@example.com"));
    }

    [Fact]
    public void Login_and_registration_are_limited_separately()
    {
        using var limiter = Limiter(perEmail: 100, perAddress: 1);

        Assert.Null(limiter.TryAcquire(AuthAction.Register, Client, "a@example.com"));
        Assert.Null(limiter.TryAcquire(AuthAction.Login, Client, "a@example.com"));
        Assert.NotNull(limiter.TryAcquire(AuthAction.Login, Client, "a@example.com"));
    }

    [Fact]
    public void IPv6_clients_of_one_64_prefix_share_a_bucket()
    {
        using var limiter = Limiter(perEmail: 100, perAddress: 1);

        Assert.Null(limiter.TryAcquire(AuthAction.Login, IPAddress.Parse("2001:db8:1:2:aaaa::1"), "a@example.com"));
        Assert.NotNull(limiter.TryAcquire(AuthAction.Login, IPAddress.Parse("2001:db8:1:2:bbbb::2"), "a@example.com"));
        Assert.Null(limiter.TryAcquire(AuthAction.Login, IPAddress.Parse("2001:db8:1:3::1"), "a@example.com"));
    }

    private static AuthRateLimiter Limiter(int perEmail, int perAddress)
    {
        var window = TimeSpan.FromMinutes(1);
        return new AuthRateLimiter(Options.Create(new IdentitySettings
        {
            RateLimits = new RateLimitSettings
            {
                LoginPerAddress = new RateLimitRule { PermitLimit = perAddress, Window = window },
                RegisterPerEmail = new RateLimitRule { PermitLimit = perEmail, Window = window },
                RegisterPerAddress = new RateLimitRule { PermitLimit = perAddress, Window = window },
            },
        }));
    }
}
