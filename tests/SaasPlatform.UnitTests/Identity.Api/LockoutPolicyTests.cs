using Identity.Api.Accounts;
using Identity.Api.Data;

namespace SaasPlatform.UnitTests.Identity.Api;

/// <summary>The lockout decision (LockoutPolicy); the shared state in identitydb is proven end to end (LockoutTests).</summary>
public sealed class LockoutPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly LockoutSettings _settings = new();

    [Fact]
    public void An_address_without_failures_is_never_held_back_even_while_the_email_is_under_attack()
    {
        var underAttack = Failures(LoginFailure.AllAddresses, 10_000, Now);

        Assert.Null(LockoutPolicy.RetryAfter(_settings, pair: null, underAttack, Now));
    }

    [Fact]
    public void The_per_address_allowance_is_free_then_each_further_attempt_waits_a_doubling_backoff()
    {
        for (var failures = 1; failures < _settings.FailuresPerAddress; failures++)
        {
            Assert.Null(LockoutPolicy.RetryAfter(_settings, Failures("203.0.113.7", failures, Now), Failures("*", failures, Now), Now));
        }

        var atLimit = LockoutPolicy.RetryAfter(_settings, Failures("203.0.113.7", 5, Now), Failures("*", 5, Now), Now);
        var next = LockoutPolicy.RetryAfter(_settings, Failures("203.0.113.7", 6, Now), Failures("*", 6, Now), Now);

        Assert.Equal(TimeSpan.FromSeconds(30), atLimit);
        Assert.Equal(TimeSpan.FromSeconds(60), next);
        // Capped, also for absurd counts (no overflow).
        Assert.Equal(_settings.MaxBackoff, LockoutPolicy.RetryAfter(_settings, Failures("203.0.113.7", 5000, Now), null, Now));
    }

    [Fact]
    public void The_backoff_runs_from_the_last_failure()
    {
        var pair = Failures("203.0.113.7", 5, Now - TimeSpan.FromSeconds(20));

        Assert.Equal(TimeSpan.FromSeconds(10), LockoutPolicy.RetryAfter(_settings, pair, null, Now));
        Assert.Null(LockoutPolicy.RetryAfter(_settings, pair, null, Now + TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Past_the_per_email_ceiling_an_address_that_has_failed_waits_after_every_failure()
    {
        var email = Failures(LoginFailure.AllAddresses, _settings.FailuresPerEmail, Now);
        var below = Failures(LoginFailure.AllAddresses, _settings.FailuresPerEmail - 1, Now);
        var oneFailure = Failures("198.51.100.9", 1, Now);

        Assert.Null(LockoutPolicy.RetryAfter(_settings, oneFailure, below, Now));
        Assert.Equal(TimeSpan.FromSeconds(60), LockoutPolicy.RetryAfter(_settings, oneFailure, email, Now));
        Assert.Equal(TimeSpan.FromSeconds(30), LockoutPolicy.Backoff(_settings, 0));
    }

    [Fact]
    public void Failures_are_forgotten_once_the_window_has_passed_since_the_last_one()
    {
        var old = Now - _settings.FailureWindow;

        Assert.Null(LockoutPolicy.RetryAfter(_settings, Failures("203.0.113.7", 500, old), Failures("*", 500, old), Now));
        Assert.Equal(0, LockoutPolicy.Live(_settings, Failures("203.0.113.7", 500, old), Now));
    }

    private static LoginFailure Failures(string address, int count, DateTimeOffset last) =>
        new() { Email = "victim@example.com", Address = address, Failures = count, LastFailureAt = last };
}
