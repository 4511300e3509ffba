namespace Tenancy.Api.Data;

/// <summary>
/// An invitation to join a tenant with a role, sent to an address (table <c>invitations</c>,
/// docs/decisions/tenant-invitations.md). The link's token is stored only as its SHA-256. <see cref="AcceptedAt"/> and
/// <see cref="RevokedAt"/> are concurrency tokens: accepting and revoking commit only while both are unset, so of an
/// accept racing a revoke (or another accept) exactly one wins.
/// </summary>
public sealed class Invitation
{
    public const int EmailMaxLength = 255;

    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>Lower-cased, as Identity.Api stores addresses; the accepting account must have this address.</summary>
    public required string Email { get; set; }

    public TenantRole Role { get; set; }

    /// <summary>Lower-case hex SHA-256 of the link's token (<see cref="LinkTokens.Hash"/>).</summary>
    public required string TokenHash { get; set; }

    public Guid InvitedBy { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public Guid? AcceptedBy { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public Tenant? Tenant { get; set; }

    public bool IsPending(DateTimeOffset now) => AcceptedAt is null && RevokedAt is null && ExpiresAt > now;

    /// <summary>The status the API shows: <c>accepted</c>, <c>revoked</c>, <c>expired</c> or <c>pending</c>.</summary>
    public string Status(DateTimeOffset now) =>
        AcceptedAt is not null ? "accepted" : RevokedAt is not null ? "revoked" : ExpiresAt <= now ? "expired" : "pending";
}
