namespace Identity.Api.Data;

/// <summary>What an <see cref="AccountToken"/> may be used for (one purpose each, checked on use).</summary>
public static class AccountTokenPurposes
{
    public const string PasswordReset = "password_reset";
    public const string EmailVerification = "email_verification";
    public const string EmailChange = "email_change";
}

/// <summary>
/// A single-use token sent by e-mail (password reset, address verification, change of address). Only the SHA-256 of
/// the token is stored (docs/decisions/account-email-tokens.md); <see cref="UsedAt"/> is a concurrency token, so of two
/// concurrent uses exactly one commits.
/// </summary>
public sealed class AccountToken
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public required string Purpose { get; set; }

    /// <summary>Lower-case hex SHA-256 of the token's text.</summary>
    public required string TokenHash { get; set; }

    /// <summary>
    /// The address the link was sent to: a verification proves only that address (not one changed since), a change of
    /// e-mail moves the account to it.
    /// </summary>
    public string? Email { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? UsedAt { get; set; }
}
