using System.Threading.RateLimiting;

namespace Identity.Api.Accounts;

public enum AuthAction
{
    Login,
    Register,
}

/// <summary>
/// Request-rate limits of this replica: logins per client address, registrations per address and per email (fixed
/// windows, every attempt counts). Logins are deliberately not limited per email here: a limit that counts every
/// attempt on an email, the right password included, lets anyone lock a victim out. Password guessing on an
/// account is stopped by <see cref="LoginLockout"/>, which counts failed verifications only.
/// </summary>
public sealed class AuthRateLimiter(IOptions<IdentitySettings> settings) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _loginPerAddress = Create(settings.Value.RateLimits.LoginPerAddress);
    private readonly PartitionedRateLimiter<string> _registerPerEmail = Create(settings.Value.RateLimits.RegisterPerEmail);
    private readonly PartitionedRateLimiter<string> _registerPerAddress = Create(settings.Value.RateLimits.RegisterPerAddress);

    /// <summary>Takes one permit (login: per address; registration: per address and per email); null when allowed, else how long to wait.</summary>
    public TimeSpan? TryAcquire(AuthAction action, IPAddress? address, string email) =>
        action == AuthAction.Login
            ? Acquire(_loginPerAddress, ClientAddresses.PartitionKey(address))
            : Acquire(_registerPerAddress, ClientAddresses.PartitionKey(address)) ?? Acquire(_registerPerEmail, email);

    public void Dispose()
    {
        _loginPerAddress.Dispose();
        _registerPerEmail.Dispose();
        _registerPerAddress.Dispose();
    }

    private static TimeSpan? Acquire(PartitionedRateLimiter<string> limiter, string key)
    {
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromSeconds(1);
    }

    private static PartitionedRateLimiter<string> Create(RateLimitRule rule) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ =>
            new FixedWindowRateLimiterOptions
            {
                PermitLimit = rule.PermitLimit,
                Window = rule.Window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
}
