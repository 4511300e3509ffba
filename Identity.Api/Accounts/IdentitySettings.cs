namespace Identity.Api.Accounts;

/// <summary>Identity's own settings (section <c>Identity</c>); token settings are the shared <c>Jwt</c> section.</summary>
public sealed class IdentitySettings
{
    public const string SectionName = "Identity";

    /// <summary>bcrypt work factor for new hashes; older hashes are upgraded at the next successful login.</summary>
    public int BcryptCost { get; set; } = 12;

    public RateLimitSettings RateLimits { get; set; } = new();

    public LockoutSettings Lockout { get; set; } = new();

    /// <summary>Login refuses accounts whose address is not verified (403 <c>email_not_verified</c>); off by default.</summary>
    public bool RequireVerifiedEmail { get; set; }

    /// <summary>Password reset, verification and change-of-address e-mails (<see cref="AccountEmailSettings"/>).</summary>
    public AccountEmailSettings AccountEmails { get; set; } = new();
}

/// <summary>
/// Request-rate limits (every attempt counts) on login per client address and on registration. Password guessing
/// on an account is stopped by <see cref="LockoutSettings"/>, which counts failed verifications only.
/// </summary>
public sealed class RateLimitSettings
{
    public RateLimitRule LoginPerAddress { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(1) };

    public RateLimitRule RegisterPerEmail { get; set; } = new() { PermitLimit = 5, Window = TimeSpan.FromMinutes(10) };

    public RateLimitRule RegisterPerAddress { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromHours(1) };
}

public sealed class RateLimitRule
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}

/// <summary>
/// Login lockout (docs/decisions/login-lockout.md): failed password verifications per (email, client address) and per
/// email, kept in identitydb so every replica sees them.
/// </summary>
public sealed class LockoutSettings
{
    /// <summary>Failures one address may make on one email before each further attempt waits a backoff.</summary>
    public int FailuresPerAddress { get; set; } = 5;

    /// <summary>
    /// Failures on one email from all addresses together above which the email is under attack: every address that
    /// has failed on it waits a backoff after each failure (addresses without failures are not affected).
    /// </summary>
    public int FailuresPerEmail { get; set; } = 20;

    /// <summary>The first backoff; it doubles with each further failure, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan Backoff { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures are forgotten once this long has passed since the last one.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromHours(1);
}
