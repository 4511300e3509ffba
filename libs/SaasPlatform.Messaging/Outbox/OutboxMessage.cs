namespace SaasPlatform.Messaging.Outbox;

/// <summary>
/// An event waiting to be published (table <c>outbox_messages</c>). It is written in the same transaction as the
/// change it describes, so the event exists exactly when the change does; the relay publishes it and sets
/// <see cref="SentAt"/>.
/// </summary>
public sealed class OutboxMessage
{
    /// <summary>Ascending with insertion: the relay publishes in this order.</summary>
    public long Id { get; set; }

    public required string Topic { get; set; }

    /// <summary>The Kafka record key (tenant id, or <see cref="PlatformEvent.NoTenantKey"/>).</summary>
    public required string Key { get; set; }

    /// <summary>The Kafka record value: the <see cref="PlatformEvent"/> JSON (jsonb).</summary>
    public required string Payload { get; set; }

    /// <summary>Message headers as a JSON object (jsonb), e.g. the W3C <c>traceparent</c> of the writing request.</summary>
    public string? Headers { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }
}
