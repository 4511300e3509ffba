namespace Identity.Api.Accounts;

/// <summary>
/// Account e-mails (section <c>Identity:AccountEmails</c>): how long each link works, the fixed minimum duration of the
/// forgot-password answer (docs/decisions/account-email-tokens.md), and request limits per client address and per
/// e-mail address (a mailbox must not be floodable through the platform).
/// </summary>
public sealed class AccountEmailSettings
{
    public TimeSpan PasswordResetLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan VerificationLifetime { get; set; } = TimeSpan.FromDays(2);

    public TimeSpan EmailChangeLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Every forgot-password answer takes at least this long, whether or not the address exists, so its timing does
    /// not tell; above the slower path's duration on a loaded server.
    /// </summary>
    public TimeSpan ForgotPasswordMinimumDuration { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>Requests that send or use a link (forgot password, change of address, token uses), per client address.</summary>
    public RateLimitRule PerAddress { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(10) };

    /// <summary>E-mails sent to one address (reset requests, change-of-address confirmations).</summary>
    public RateLimitRule PerEmail { get; set; } = new() { PermitLimit = 5, Window = TimeSpan.FromMinutes(15) };
}
