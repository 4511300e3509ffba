using System.Globalization;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Events;

namespace Tenancy.Api.Features.Invitations;

/// <summary>
/// The invitation e-mail (<c>tenant-invitation</c>, rendered and sent by Events.Worker), enqueued in tenancydb's outbox
/// in the invitation's commit. The link is <c>{Platform:PublicUrl}/accept-invitation?token=...</c>: the client
/// application's page, which posts the token to <c>POST /api/invitations/accept</c> once the invitee is signed in
/// (registering first when the address has no account).
/// </summary>
public sealed class InvitationMail(IConfiguration configuration, TimeProvider time)
{
    public const string Template = "tenant-invitation";
    public const string AcceptPage = "accept-invitation";

    /// <summary>The gateway's address in development (its launch profile) when <c>Platform:PublicUrl</c> is not set, as in Identity.Api.</summary>
    private const string DefaultPublicUrl = "http://localhost:5105";

    public void Enqueue(TenancyDbContext db, Invitation invitation, string tenantName, string inviterName, string token)
    {
        var baseUrl = configuration["Platform:PublicUrl"] is { Length: > 0 } configured ? configured : DefaultPublicUrl;
        db.EnqueueEvent(Topics.EmailRequested, invitation.TenantId, invitation.InvitedBy, new EmailRequested(invitation.Email, Template,
            new Dictionary<string, string>
            {
                ["tenant_name"] = tenantName,
                ["inviter_name"] = inviterName,
                ["role"] = invitation.Role.ToWire(),
                ["accept_url"] = $"{baseUrl.TrimEnd('/')}/{AcceptPage}?token={Uri.EscapeDataString(token)}",
                ["expires_at"] = invitation.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture),
            }), time);
    }
}
