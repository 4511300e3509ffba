using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.Messaging.Kafka;

namespace SaasPlatform.Messaging.Outbox;

public static class OutboxEnqueueExtensions
{
    /// <summary>
    /// Adds an event to the outbox of <paramref name="db"/>. Nothing is sent now: the row is saved by the caller's
    /// next <c>SaveChanges</c> (in the same transaction as the change it describes) and published by the relay after
    /// the commit. The current trace (<see cref="Activity.Current"/>) is stored with it, so the event continues it.
    /// </summary>
    public static PlatformEvent EnqueueEvent(this DbContext db, string topic, Guid? tenantId, Guid? userId, object? data,
        TimeProvider? time = null)
    {
        var platformEvent = PlatformEvent.Create(topic, tenantId, userId, data, time);
        db.EnqueueEvent(topic, platformEvent);
        return platformEvent;
    }

    /// <summary>Adds an already built event to the outbox (same rules as the other overload).</summary>
    public static OutboxMessage EnqueueEvent(this DbContext db, string topic, PlatformEvent platformEvent)
    {
        var message = new OutboxMessage
        {
            Topic = topic,
            Key = platformEvent.Key,
            Payload = platformEvent.ToJson(),
            Headers = CaptureTraceHeaders(),
            CreatedAt = platformEvent.Timestamp,
        };
        db.Set<OutboxMessage>().Add(message);
        return message;
    }

    /// <summary>
    /// Adds an <c>audit.log</c> event (decision D17): who (<paramref name="userId"/>) did what
    /// (<paramref name="action"/>, see <see cref="Audit.AuditActions"/>) to which resource of which tenant. Saved with
    /// the caller's next <c>SaveChanges</c>, like <see cref="EnqueueEvent(DbContext, string, Guid?, Guid?, object?, TimeProvider?)"/>.
    /// </summary>
    public static PlatformEvent EnqueueAudit(this DbContext db, Guid? tenantId, Guid? userId, string action,
        string? resourceType = null, string? resourceId = null, object? details = null, TimeProvider? time = null) =>
        db.EnqueueEvent(Topics.AuditLog, tenantId, userId,
            new Audit.AuditData(action, resourceType, resourceId, details is null ? null : JsonSerializer.SerializeToElement(details, Microsoft.Extensions.Hosting.Extensions.WireJson)),
            time);

    private static string? CaptureTraceHeaders()
    {
        var activity = Activity.Current;
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C || activity.Id is null)
        {
            return null;
        }

        var headers = new Dictionary<string, string> { [KafkaTelemetry.TraceParentHeader] = activity.Id };
        if (!string.IsNullOrEmpty(activity.TraceStateString))
        {
            headers[KafkaTelemetry.TraceStateHeader] = activity.TraceStateString;
        }

        return JsonSerializer.Serialize(headers);
    }
}
