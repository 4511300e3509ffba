namespace Identity.Api.Accounts;

/// <summary>
/// Decides, from the recorded failures, whether a login attempt may verify a password now (decision
/// docs/decisions/login-lockout.md). Only failed verifications are counted, so nothing here can be raised by the
/// account's owner logging in correctly, and an address without failures on the email is never held back.
/// </summary>
public static class LockoutPolicy
{
    /// <summary>How long the attempt must wait; null when it may go ahead.</summary>
    /// <param name="pair">The failures of this email from this address (null: none recorded).</param>
    /// <param name="email">The failures of this email from every address (null: none recorded).</param>
    public static TimeSpan? RetryAfter(LockoutSettings settings, LoginFailure? pair, LoginFailure? email, DateTimeOffset now)
    {
        var pairFailures = Live(settings, pair, now);
        if (pairFailures == 0)
        {
            return null;
        }

        var emailFailures = Live(settings, email, now);
        // Free failures for this address: the tight per-address allowance, or none while the email is under attack.
        var free = emailFailures >= settings.FailuresPerEmail ? 0 : settings.FailuresPerAddress;
        if (pairFailures < free)
        {
            return null;
        }

        var wait = Backoff(settings, pairFailures - free);
        var until = pair!.LastFailureAt + wait;
        return until > now ? until - now : null;
    }

    /// <summary>The backoff after the n-th failure beyond the allowance (0-based): doubling from the base, capped.</summary>
    public static TimeSpan Backoff(LockoutSettings settings, int beyondAllowance)
    {
        var doublings = Math.Min(beyondAllowance, 20);
        var ticks = settings.Backoff.Ticks * (1L << doublings);
        return ticks > settings.MaxBackoff.Ticks || ticks <= 0 ? settings.MaxBackoff : TimeSpan.FromTicks(ticks);
    }

    /// <summary>The failures that still count: none once the window has passed since the last one.</summary>
    public static int Live(LockoutSettings settings, LoginFailure? failure, DateTimeOffset now) =>
        failure is null || now - failure.LastFailureAt >= settings.FailureWindow ? 0 : failure.Failures;
}
