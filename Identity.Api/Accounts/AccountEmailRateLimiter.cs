using System.Threading.RateLimiting;

namespace Identity.Api.Accounts;

/// <summary>
/// Request limits of the account e-mail endpoints on this replica (like <see cref="AuthRateLimiter"/>): every request
/// per client address, and every e-mail sent per recipient address, so nobody can flood a mailbox through the platform.
/// </summary>
public sealed class AccountEmailRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly PartitionedRateLimiter<string> _perEmail;

    public AccountEmailRateLimiter(IOptions<IdentitySettings> settings)
    {
        _perAddress = Create(settings.Value.AccountEmails.PerAddress);
        _perEmail = Create(settings.Value.AccountEmails.PerEmail);
    }

    /// <summary>One permit per client address (and per recipient when <paramref name="email"/> is given); null when allowed, else how long to wait.</summary>
    public TimeSpan? TryAcquire(IPAddress? address, string? email = null) =>
        Acquire(_perAddress, ClientAddresses.PartitionKey(address)) ?? (email is null ? null : Acquire(_perEmail, email));

    public void Dispose()
    {
        _perAddress.Dispose();
        _perEmail.Dispose();
    }

    private static TimeSpan? Acquire(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        return lease.IsAcquired ? null
            : lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    private static PartitionedRateLimiter<string> Create(RateLimitRule rule) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions { PermitLimit = rule.PermitLimit, Window = rule.Window, QueueLimit = 0, AutoReplenishment = true }));
}
