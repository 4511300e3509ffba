using SaasPlatform.Messaging;

namespace SaasPlatform.UnitTests.Messaging;

public sealed class RetryPolicyTests
{
    [Fact]
    public void Delays_double_from_the_initial_one_up_to_the_cap()
    {
        var policy = new RetryPolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2));

        var delays = Enumerable.Range(1, 6).Select(n => policy.DelayAfter(n).TotalMilliseconds);

        Assert.Equal([200, 400, 800, 1600, 2000, 2000], delays);
    }

    [Fact]
    public void Large_attempt_counts_stay_at_the_cap()
    {
        Assert.InRange(RetryPolicy.Relay.DelayAfter(10_000, new Random(1)), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));
        Assert.Equal(TimeSpan.FromSeconds(5), new RetryPolicy(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5)).DelayAfter(int.MaxValue));
    }

    [Fact]
    public void Jitter_stays_within_its_share_and_under_the_cap()
    {
        var policy = new RetryPolicy(TimeSpan.FromMilliseconds(1000), TimeSpan.FromSeconds(10), Jitter: 0.2);
        var random = new Random(42);

        var delays = Enumerable.Range(0, 500).Select(_ => policy.DelayAfter(2, random).TotalMilliseconds).ToList();

        Assert.All(delays, d => Assert.InRange(d, 1600, 2400));
        Assert.True(delays.Distinct().Count() > 100, "jitter should spread the delays");
    }

    [Fact]
    public void Bounded_policy_allows_exactly_its_attempts()
    {
        var policy = RetryPolicy.Handler;

        Assert.Equal(5, policy.MaxAttempts);
        Assert.True(policy.ShouldRetry(1));
        Assert.True(policy.ShouldRetry(4));
        Assert.False(policy.ShouldRetry(5));
    }

    [Fact]
    public void Unbounded_policy_always_retries()
    {
        Assert.True(RetryPolicy.Relay.ShouldRetry(1_000_000));
    }

    [Fact]
    public void Attempt_numbers_start_at_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RetryPolicy.Relay.DelayAfter(0));
    }

    [Fact]
    public void Handler_retries_take_a_few_seconds_in_total_so_a_poison_message_blocks_its_partition_only_briefly()
    {
        var policy = RetryPolicy.Handler with { Jitter = 0 };

        var total = Enumerable.Range(1, policy.MaxAttempts!.Value - 1).Sum(n => policy.DelayAfter(n).TotalMilliseconds);

        Assert.Equal(200 + 400 + 800 + 1600, total);
    }
}
