using SaasPlatform.Messaging.Audit;

namespace Events.Worker.Features.Notifications;

/// <summary>
/// The one allow-list of what reaches tenant members live: <c>audit.log</c> events of these actions, mapped to a
/// <see cref="TenantNotification"/>. Anything else (logins, downloads, platform events without a tenant) is never
/// sent. A new live notification is one line here (and a line in docs/notifications.md).
/// </summary>
public static class NotificationTypes
{
    public static readonly IReadOnlySet<string> Forwarded = new HashSet<string>(StringComparer.Ordinal)
    {
        AuditActions.DocumentUploaded,
        AuditActions.DocumentUpdated,
        AuditActions.DocumentDeleted,
        AuditActions.MemberAdded,
        AuditActions.MemberRemoved,
        AuditActions.TenantDeleted,
        AuditActions.TenantExportCompleted, // no link in it: admins ask GET .../exports/{id} (docs/decisions/tenant-export-import.md)
    };

    /// <summary>
    /// Of <see cref="Forwarded"/>, the actions only the member who caused them hears (on that member's connections
    /// that joined the tenant), not the whole tenant: an export's completion is for the admin who asked for it.
    /// </summary>
    public static readonly IReadOnlySet<string> ActorOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        AuditActions.TenantExportCompleted,
    };

    /// <summary>The notification for an <c>audit.log</c> event, or null when it is not for tenant members.</summary>
    public static TenantNotification? FromAuditEvent(PlatformEvent auditEvent)
    {
        if (auditEvent.TenantId is not { } tenantId || auditEvent.EventType != Topics.AuditLog
            || auditEvent.DataAs<AuditData>() is not { Action: { } action } audit || !Forwarded.Contains(action))
        {
            return null;
        }

        return new TenantNotification(action, tenantId, audit.ResourceType, audit.ResourceId, auditEvent.UserId,
            auditEvent.Timestamp, audit.Details);
    }

    /// <summary>
    /// Whose connections must leave the tenant's group after <paramref name="notification"/>: the removed member
    /// (<see cref="MembershipChange.Member"/>), everyone (<see cref="MembershipChange.Everyone"/>, the tenant is gone), or nobody.
    /// </summary>
    public static MembershipChange MembershipChangeOf(TenantNotification notification) => notification.Type switch
    {
        AuditActions.MemberRemoved when Guid.TryParse(notification.ResourceId, out var member) => new MembershipChange(member),
        AuditActions.TenantDeleted => MembershipChange.Everyone,
        _ => MembershipChange.None,
    };
}

/// <summary>Who loses a tenant: one member (<see cref="Member"/>), every member (<see cref="All"/>), or nobody.</summary>
public sealed record MembershipChange(Guid? Member, bool All = false)
{
    public static readonly MembershipChange None = new(Member: null);
    public static readonly MembershipChange Everyone = new(Member: null, All: true);

    public bool Any => All || Member is not null;
}

/// <summary>The SignalR group of a tenant's connected members.</summary>
public static class NotificationGroups
{
    private const string Prefix = "tenant:";

    public static string ForTenant(Guid tenantId) => Prefix + tenantId.ToString("D");
}
