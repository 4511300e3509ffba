namespace Events.Worker.Features.Notifications;

/// <summary>Settings of the live notifications hub (section <c>Notifications</c>, docs/notifications.md).</summary>
public sealed class NotificationOptions
{
    public const string SectionName = "Notifications";

    /// <summary>
    /// Each hub instance reads <c>audit.log</c> in a consumer group of its own, <c>{prefix}{instance}</c>, so every
    /// instance sees every event and replicas need no backplane (docs/decisions/live-notifications.md).
    /// </summary>
    public string GroupIdPrefix { get; set; } = "notifications-";

    /// <summary>
    /// How often each connection's tenants are checked again with Tenancy.Api (through the cached access check): the
    /// bound for a membership change whose <c>member.removed</c> event was missed. The event itself acts at once.
    /// </summary>
    public TimeSpan MembershipRecheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often connections are checked against the revocation list (a logout closes them).</summary>
    public TimeSpan RevocationCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long <c>JoinTenant</c> waits for this instance's consumer to be reading before it refuses.</summary>
    public TimeSpan ConsumerReadyTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
