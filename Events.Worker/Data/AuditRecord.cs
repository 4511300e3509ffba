namespace Events.Worker.Data;

/// <summary>One stored <c>audit.log</c> event (decision D17; table <c>audit_records</c>). The id is the event id.</summary>
public sealed class AuditRecord
{
    public Guid Id { get; set; }

    public Guid? TenantId { get; set; }

    public Guid? UserId { get; set; }

    public required string Action { get; set; }

    public string? ResourceType { get; set; }

    public string? ResourceId { get; set; }

    public JsonDocument? Details { get; set; }

    /// <summary>When it happened (the event's timestamp); the audit log is ordered by it, newest first.</summary>
    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset RecordedAt { get; set; }
}
