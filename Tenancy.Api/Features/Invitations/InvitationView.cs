using System.Text.Json.Serialization;

namespace Tenancy.Api.Features.Invitations;

/// <summary>An invitation as the API shows it (never its token).</summary>
public sealed record InvitationView(
    Guid Id,
    Guid TenantId,
    string Email,
    string Role,
    string Status,
    Guid InvitedBy,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset ExpiresAt,
    string? AcceptedAt,
    Guid? AcceptedBy,
    string? RevokedAt)
{
    public static InvitationView Of(Invitation invitation, DateTimeOffset now) => new(
        invitation.Id, invitation.TenantId, invitation.Email, invitation.Role.ToWire(), invitation.Status(now), invitation.InvitedBy,
        invitation.CreatedAt, invitation.ExpiresAt, Format(invitation.AcceptedAt), invitation.AcceptedBy, Format(invitation.RevokedAt));

    /// <summary>The optional timestamps in the platform's ISO form, or null.</summary>
    private static string? Format(DateTimeOffset? value) => value is { } v ? IsoTimestampConverter.Format(v) : null;
}
