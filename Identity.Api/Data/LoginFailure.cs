namespace Identity.Api.Data;

/// <summary>
/// Failed password verifications on one email (table <c>login_failures</c>): one row per client address, and one row
/// with <see cref="AllAddresses"/> counting every address together. Read and written by every Identity.Api replica.
/// </summary>
public sealed class LoginFailure
{
    /// <summary>The address of the per-email row.</summary>
    public const string AllAddresses = "*";

    /// <summary>The email as submitted (normalised), whether or not an account has it.</summary>
    public required string Email { get; set; }

    /// <summary>The client address key (IPv4, or the IPv6 /64), or <see cref="AllAddresses"/>.</summary>
    public required string Address { get; set; }

    public int Failures { get; set; }

    public DateTimeOffset LastFailureAt { get; set; }
}
