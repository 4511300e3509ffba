namespace SaasPlatform.Messaging;

/// <summary>
/// Exponential backoff with an upper bound and optional jitter: attempt 1 waits <see cref="Initial"/>, each later one
/// <see cref="Factor"/> times longer, never more than <see cref="Max"/>. <see cref="MaxAttempts"/> bounds a retry loop
/// (null = retry forever, as the outbox relay does while Kafka is down).
/// </summary>
public sealed record RetryPolicy(TimeSpan Initial, TimeSpan Max, double Factor = 2, int? MaxAttempts = null, double Jitter = 0)
{
    /// <summary>Handler failures in the worker: 5 attempts over about 3 s, then the dead-letter topic.</summary>
    public static readonly RetryPolicy Handler = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(2), 2, MaxAttempts: 5, Jitter: 0.2);

    /// <summary>The relay while Kafka is unreachable: forever, at most 5 s apart so recovery is quick.</summary>
    public static readonly RetryPolicy Relay = new(TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5), 2, Jitter: 0.2);

    /// <summary>A service's start-up migrations while its database server is unreachable: forever, at most 5 s apart.</summary>
    public static readonly RetryPolicy Startup = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), 2);

    /// <summary>True when <paramref name="failedAttempts"/> failures leave room for another try.</summary>
    public bool ShouldRetry(int failedAttempts) => MaxAttempts is not { } max || failedAttempts < max;

    /// <summary>The wait after the <paramref name="failedAttempts"/>-th failure (1-based).</summary>
    public TimeSpan DelayAfter(int failedAttempts, Random? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(failedAttempts, 1);
        // Cap the exponent so large attempt counts cannot overflow.
        var exponent = Math.Min(failedAttempts - 1, 30);
        var ms = Math.Min(Initial.TotalMilliseconds * Math.Pow(Factor, exponent), Max.TotalMilliseconds);
        if (Jitter > 0)
        {
            // Spread retries of many clients apart: +/- Jitter of the delay, still within Max.
            var spread = ((random ?? Random.Shared).NextDouble() * 2 - 1) * Jitter * ms;
            ms = Math.Clamp(ms + spread, 0, Max.TotalMilliseconds);
        }

        return TimeSpan.FromMilliseconds(ms);
    }
}
