using System.Text.Json.Serialization;
using SaasPlatform.ServiceDefaults.Http;

namespace Events.Worker.Features.Notifications;

/// <summary>
/// What a tenant's connected members receive, as the hub method <see cref="NotificationHub.NotificationMethod"/>
/// (snake_case on the wire, docs/notifications.md): the audit action as <paramref name="Type"/>, who did it, to
/// which resource, when (the event's time, taken before its commit) and the action's details.
/// </summary>
public sealed record TenantNotification(
    string Type,
    Guid TenantId,
    string? ResourceType,
    string? ResourceId,
    Guid? UserId,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset Timestamp,
    JsonElement? Data);

/// <summary>What <see cref="NotificationHub.JoinTenant"/> answers: the tenant joined and the hub instance that holds the connection.</summary>
public sealed record JoinedTenant(Guid TenantId, string Instance);
