using System.Diagnostics.Metrics;

namespace Events.Worker.Features.Notifications;

/// <summary>
/// The hub's metrics on Meter "SaasPlatform": open connections, notifications forwarded by type, the delay from an
/// event's timestamp (taken before its commit) to its forwarding, and joins refused. Tags are bounded: the
/// notification type comes from the allow-list, never a tenant or user id.
/// </summary>
public sealed class NotificationMetrics
{
    private readonly Counter<long> _forwarded;
    private readonly Histogram<double> _delay;
    private readonly Counter<long> _refused;

    public NotificationMetrics(NotificationConnections connections)
    {
        KafkaTelemetry.Meter.CreateObservableGauge("saasplatform.notifications.connections", () => connections.Count,
            "{connection}", "Open hub connections on this instance");
        _forwarded = KafkaTelemetry.Meter.CreateCounter<long>("saasplatform.notifications.forwarded", "{notification}",
            "Notifications sent to a tenant group, by type");
        _delay = KafkaTelemetry.Meter.CreateHistogram<double>("saasplatform.notifications.delay", "ms",
            "From the event's timestamp to its forwarding to the tenant group");
        _refused = KafkaTelemetry.Meter.CreateCounter<long>("saasplatform.notifications.joins_refused", "{join}",
            "JoinTenant calls refused (not a member, bad tenant id, consumer not ready)");
    }

    public void Forwarded(string type, TimeSpan delay)
    {
        var tag = new KeyValuePair<string, object?>("type", type);
        _forwarded.Add(1, tag);
        _delay.Record(Math.Max(0, delay.TotalMilliseconds), tag);
    }

    public void JoinRefused() => _refused.Add(1);
}
