using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace Identity.Api.Accounts;

public enum AuthAction
{
    Login,
    Register,
}

/// <summary>
/// Brute-force protection for login and registration: fixed windows per client address and per email. Checked in
/// the handler, after the body is read, because the email is part of the partition. Every attempt counts, so a
/// password-guessing burst on one account stops at the per-email limit whatever addresses it comes from.
/// </summary>
public sealed class AuthRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string> _loginPerEmail;
    private readonly PartitionedRateLimiter<string> _loginPerAddress;
    private readonly PartitionedRateLimiter<string> _registerPerEmail;
    private readonly PartitionedRateLimiter<string> _registerPerAddress;

    public AuthRateLimiter(IOptions<IdentitySettings> settings)
    {
        var limits = settings.Value.RateLimits;
        _loginPerEmail = Create(limits.LoginPerEmail);
        _loginPerAddress = Create(limits.LoginPerAddress);
        _registerPerEmail = Create(limits.RegisterPerEmail);
        _registerPerAddress = Create(limits.RegisterPerAddress);
    }

    /// <summary>Takes one permit from the address and the email partitions; null when allowed, else how long to wait.</summary>
    public TimeSpan? TryAcquire(AuthAction action, IPAddress? address, string email)
    {
        var (perAddress, perEmail) = action == AuthAction.Login
            ? (_loginPerAddress, _loginPerEmail)
            : (_registerPerAddress, _registerPerEmail);
        return Acquire(perAddress, AddressKey(address)) ?? Acquire(perEmail, email);
    }

    /// <summary>
    /// The partition of a client address: IPv4 as is, IPv6 by /64 (one subscriber usually holds a whole /64, so
    /// per-address limits would otherwise be trivially bypassed).
    /// </summary>
    public static string AddressKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6 && !IPAddress.IsLoopback(address))
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }

    public void Dispose()
    {
        _loginPerEmail.Dispose();
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
