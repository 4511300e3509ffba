using System.Buffers;
using System.Globalization;

namespace SaasPlatform.Messaging;

/// <summary>
/// The value of every platform event on Kafka (decision D12):
/// <c>{"event_id", "event_type", "tenant_id", "user_id", "timestamp", "data"}</c>, ids as lowercase strings or null,
/// the timestamp in UTC with a <c>Z</c> suffix. The record key is <see cref="Key"/>: the tenant id, so each tenant's
/// events stay in order on one partition.
/// </summary>
public sealed record PlatformEvent
{
    /// <summary>Key of events that belong to no tenant (for example a login): they share one partition.</summary>
    public const string NoTenantKey = "platform";

    private const string TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'";

    public required Guid EventId { get; init; }

    public required string EventType { get; init; }

    public Guid? TenantId { get; init; }

    public Guid? UserId { get; init; }

    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The event's payload, always a JSON value (an empty object when none was given).</summary>
    public JsonElement Data { get; init; } = EmptyObject;

    public string Key => KeyFor(TenantId);

    public static string KeyFor(Guid? tenantId) => tenantId?.ToString() ?? NoTenantKey;

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>A new event with a fresh id; <paramref name="data"/> is serialized in snake_case.</summary>
    public static PlatformEvent Create(string eventType, Guid? tenantId, Guid? userId, object? data, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(eventType);
        return new PlatformEvent
        {
            EventId = Guid.NewGuid(),
            EventType = eventType,
            TenantId = tenantId,
            UserId = userId,
            Timestamp = (time ?? TimeProvider.System).GetUtcNow(),
            Data = data switch
            {
                null => EmptyObject,
                JsonElement element => element.Clone(),
                _ => JsonSerializer.SerializeToElement(data, Microsoft.Extensions.Hosting.Extensions.WireJson),
            },
        };
    }

    /// <summary>The payload deserialized with the platform's wire JSON (snake_case).</summary>
    public T? DataAs<T>() => Data.Deserialize<T>(Microsoft.Extensions.Hosting.Extensions.WireJson);

    public byte[] ToUtf8Bytes()
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event_id", EventId.ToString());
            writer.WriteString("event_type", EventType);
            WriteId(writer, "tenant_id", TenantId);
            WriteId(writer, "user_id", UserId);
            writer.WriteString("timestamp", Timestamp.UtcDateTime.ToString(TimestampFormat, CultureInfo.InvariantCulture));
            writer.WritePropertyName("data");
            Data.WriteTo(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    public string ToJson() => Encoding.UTF8.GetString(ToUtf8Bytes());

    /// <summary>
    /// Reads an event value. Accepts <c>payload</c> for <c>data</c> (the original's demo and tests used it) and any
    /// ISO-8601 timestamp. Throws <see cref="FormatException"/> for anything that is not a platform event.
    /// </summary>
    public static PlatformEvent Parse(ReadOnlySpan<byte> utf8Json)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("An event must be a JSON object");
            }

            var data = root.TryGetProperty("data", out var d) ? d
                : root.TryGetProperty("payload", out var p) ? p
                : EmptyObject;

            return new PlatformEvent
            {
                EventId = Guid.Parse(RequiredString(root, "event_id")),
                EventType = RequiredString(root, "event_type"),
                TenantId = OptionalId(root, "tenant_id"),
                UserId = OptionalId(root, "user_id"),
                Timestamp = DateTimeOffset.Parse(RequiredString(root, "timestamp"), CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                Data = data.Clone(),
            };
        }
        catch (JsonException ex)
        {
            throw new FormatException("An event must be valid JSON", ex);
        }
    }

    public static PlatformEvent Parse(string json) => Parse(Encoding.UTF8.GetBytes(json));

    public static bool TryParse(ReadOnlySpan<byte> utf8Json, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PlatformEvent? platformEvent)
    {
        try
        {
            platformEvent = Parse(utf8Json);
            return true;
        }
        catch (FormatException)
        {
            platformEvent = null;
            return false;
        }
    }

    private static void WriteId(Utf8JsonWriter writer, string name, Guid? id)
    {
        if (id is { } value)
        {
            writer.WriteString(name, value.ToString());
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    private static string RequiredString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new FormatException($"Missing or empty '{name}'");

    private static Guid? OptionalId(JsonElement root, string name) =>
        !root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null
            ? null
            : value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id)
                ? id
                : throw new FormatException($"'{name}' must be a UUID string or null");
}
