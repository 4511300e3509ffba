namespace Tenancy.Api.Features.Invitations;

/// <summary>Section <c>Tenants:Invitations</c> (docs/decisions/tenant-invitations.md).</summary>
public sealed class InvitationSettings
{
    public const string SectionName = "Tenants:Invitations";

    /// <summary>How long an invitation's link works.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Invitations one tenant may send within any hour: each is an e-mail to an address of the admin's choosing, so
    /// the platform cannot be used to flood mailboxes. Counted from <c>invitations</c>, the same on every replica.
    /// </summary>
    public int MaxPerTenantPerHour { get; set; } = 100;
}
