using SaasPlatform.Messaging.Audit;

namespace Events.Worker.Features.Audit;

/// <summary>
/// Stores <c>audit.log</c> events (decision D17). The record is left unsaved: it commits with the inbox row, so each
/// event is stored exactly once however often Kafka delivers it.
/// </summary>
internal sealed class StoreAuditRecord(EventsDbContext db, TimeProvider time) : IEventHandler
{
    public IReadOnlyCollection<string> Topics { get; } = [SaasPlatform.Messaging.Topics.AuditLog];

    public Task HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        AuditData? data;
        try
        {
            data = platformEvent.DataAs<AuditData>();
        }
        catch (JsonException ex)
        {
            throw new PoisonEventException("audit.log data is not an audit record", ex);
        }

        if (data is null || string.IsNullOrWhiteSpace(data.Action))
        {
            throw new PoisonEventException("audit.log data has no action");
        }

        db.AuditRecords.Add(new AuditRecord
        {
            Id = platformEvent.EventId,
            TenantId = platformEvent.TenantId,
            UserId = platformEvent.UserId,
            Action = Truncate(data.Action, 100)!,
            ResourceType = Truncate(data.ResourceType, 100),
            ResourceId = Truncate(data.ResourceId, 200),
            Details = data.Details is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } details
                ? JsonDocument.Parse(details.GetRawText())
                : null,
            OccurredAt = platformEvent.Timestamp,
            RecordedAt = time.GetUtcNow(),
        });
        return Task.CompletedTask;
    }

    private static string? Truncate(string? text, int max) => text is { Length: > 0 } && text.Length > max ? text[..max] : text;
}
