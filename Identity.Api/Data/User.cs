namespace Identity.Api.Data;

/// <summary>An account (contract §3.1). <see cref="Email"/> is stored lower-cased; uniqueness is enforced on lower(email).</summary>
public sealed class User
{
    public Guid Id { get; set; }

    public required string FirstName { get; set; }

    public required string LastName { get; set; }

    public required string Email { get; set; }

    /// <summary>bcrypt hash; null for accounts that cannot log in with a password (SSO-only in the original).</summary>
    public string? PasswordHash { get; set; }

    public bool IsActive { get; set; } = true;

    /// <summary>When the owner proved the address (a verification, reset or change-of-address link); null: unverified.</summary>
    public DateTimeOffset? EmailVerifiedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? CreatedBy { get; set; }
}
