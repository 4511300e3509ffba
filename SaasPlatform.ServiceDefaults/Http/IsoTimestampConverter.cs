namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>
/// Timestamps as the original API wrote them (Python <c>isoformat()</c> of a UTC datetime):
/// <c>2025-01-01T12:00:00.123456+00:00</c>, microseconds omitted when zero, offset <c>+00:00</c> rather than <c>Z</c>.
/// Put <c>[JsonConverter(typeof(IsoTimestampConverter))]</c> on a <see cref="DateTimeOffset"/> property.
/// </summary>
public sealed class IsoTimestampConverter : JsonConverter<DateTimeOffset>
{
    public static string Format(DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        var format = utc.Ticks % TimeSpan.TicksPerSecond / 10 == 0
            ? "yyyy-MM-dd'T'HH:mm:ss'+00:00'"
            : "yyyy-MM-dd'T'HH:mm:ss.ffffff'+00:00'";
        return utc.ToString(format, CultureInfo.InvariantCulture);
    }

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));
}
