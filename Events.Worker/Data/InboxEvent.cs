namespace Events.Worker.Data;

/// <summary>
/// One handler's completed work on one event (table <c>inbox_events</c>, key event id + handler): an event seen again
/// (Kafka delivers at least once) is skipped for every handler that already completed it.
/// </summary>
public sealed class InboxEvent
{
    public Guid EventId { get; set; }

    /// <summary>The handler's type name.</summary>
    public required string Handler { get; set; }

    public required string Topic { get; set; }

    public Guid? TenantId { get; set; }

    public int Partition { get; set; }

    public long Offset { get; set; }

    /// <summary><see cref="InboxOutcomes"/>: handled, or dead_lettered after the retries.</summary>
    public required string Outcome { get; set; }

    /// <summary>What the handler reported (e.g. a tenant database's schema check) or the last error.</summary>
    public string? Detail { get; set; }

    public int Attempts { get; set; }

    /// <summary>When the event happened (its <c>timestamp</c>).</summary>
    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset HandledAt { get; set; }
}

public static class InboxOutcomes
{
    public const string Handled = "handled";
    public const string DeadLettered = "dead_lettered";
}
