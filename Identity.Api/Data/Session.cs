namespace Identity.Api.Data;

/// <summary>
/// One login: every token issued from it carries its id as <c>sid</c>, so revoking the session revokes them all.
/// </summary>
public sealed class Session
{
    public Guid Id { get; set; }

    public Guid UserId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The latest expiry of any token issued in this session; revocations must outlive it.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public List<RefreshToken> RefreshTokens { get; } = [];
}
