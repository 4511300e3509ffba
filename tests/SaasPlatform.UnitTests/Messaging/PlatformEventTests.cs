using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SaasPlatform.Messaging;

namespace SaasPlatform.UnitTests.Messaging;

public sealed class PlatformEventTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 10, 0, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Serializes_to_the_D12_shape_with_a_utc_Z_timestamp()
    {
        var tenant = Guid.NewGuid();
        var user = Guid.NewGuid();
        var e = PlatformEvent.Create(Topics.TenantCreated, tenant, user, new { TenantName = "Acme", DatabaseName = "tenant_acme_12345678" }, new FakeTimeProvider(Now));

        var json = JsonDocument.Parse(e.ToJson()).RootElement;

        Assert.Equal(["event_id", "event_type", "tenant_id", "user_id", "timestamp", "data"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal(e.EventId.ToString(), json.GetProperty("event_id").GetString());
        Assert.Equal("tenant.created", json.GetProperty("event_type").GetString());
        Assert.Equal(tenant.ToString(), json.GetProperty("tenant_id").GetString());
        Assert.Equal(user.ToString(), json.GetProperty("user_id").GetString());
        Assert.Equal("2026-11-27T10:00:00.123000Z", json.GetProperty("timestamp").GetString());
        Assert.Equal("Acme", json.GetProperty("data").GetProperty("tenant_name").GetString());
        Assert.Equal("tenant_acme_12345678", json.GetProperty("data").GetProperty("database_name").GetString());
    }

    [Fact]
    public void Timestamp_is_written_in_utc_whatever_the_offset()
    {
        var e = PlatformEvent.Create(Topics.AuditLog, null, null, null, new FakeTimeProvider(Now)) with
        {
            Timestamp = new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.FromHours(2)),
        };

        Assert.Equal("2026-11-27T10:00:00.000000Z", JsonDocument.Parse(e.ToJson()).RootElement.GetProperty("timestamp").GetString());
    }

    [Fact]
    public void Missing_ids_are_null_the_data_an_empty_object_and_the_key_fixed()
    {
        var e = PlatformEvent.Create(Topics.AuditLog, null, null, null);

        var json = JsonDocument.Parse(e.ToJson()).RootElement;

        Assert.Equal(JsonValueKind.Null, json.GetProperty("tenant_id").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("user_id").ValueKind);
        Assert.Equal("{}", json.GetProperty("data").GetRawText());
        Assert.Equal(PlatformEvent.NoTenantKey, e.Key);
    }

    [Fact]
    public void Key_is_the_tenant_id()
    {
        var tenant = Guid.NewGuid();

        Assert.Equal(tenant.ToString(), PlatformEvent.Create(Topics.DocumentUploaded, tenant, null, null).Key);
    }

    [Fact]
    public void Round_trips_through_its_json()
    {
        var original = PlatformEvent.Create(Topics.DocumentDeleted, Guid.NewGuid(), Guid.NewGuid(), new { DocumentId = Guid.NewGuid(), Orphaned = true }, new FakeTimeProvider(Now));

        var parsed = PlatformEvent.Parse(original.ToUtf8Bytes());

        Assert.Equal(original.EventId, parsed.EventId);
        Assert.Equal(original.EventType, parsed.EventType);
        Assert.Equal(original.TenantId, parsed.TenantId);
        Assert.Equal(original.UserId, parsed.UserId);
        Assert.Equal(original.Timestamp, parsed.Timestamp);
        Assert.Equal(original.Data.GetRawText(), parsed.Data.GetRawText());
        Assert.True(parsed.DataAs<DeletedData>()!.Orphaned);
    }

    [Fact]
    public void Parse_accepts_payload_for_data_and_an_offset_timestamp()
    {
        var id = Guid.NewGuid();

        var parsed = PlatformEvent.Parse($$$"""{"event_id":"{{{id}}}","event_type":"file.process","timestamp":"2025-01-01T12:00:00.123456+00:00","payload":{"file_id":"x"}}""");

        Assert.Equal(id, parsed.EventId);
        Assert.Null(parsed.TenantId);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234560), parsed.Timestamp);
        Assert.Equal("x", parsed.Data.GetProperty("file_id").GetString());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"event_id":"nope","event_type":"audit.log","timestamp":"2025-01-01T00:00:00Z"}""")]
    [InlineData("""{"event_id":"6f9619ff-8b86-d011-b42d-00cf4fc964ff","event_type":"","timestamp":"2025-01-01T00:00:00Z"}""")]
    [InlineData("""{"event_id":"6f9619ff-8b86-d011-b42d-00cf4fc964ff","event_type":"audit.log","timestamp":"2025-01-01T00:00:00Z","tenant_id":42}""")]
    [InlineData("""{"event_id":"6f9619ff-8b86-d011-b42d-00cf4fc964ff","event_type":"audit.log","timestamp":"yesterday"}""")]
    public void Anything_else_is_refused(string json)
    {
        Assert.Throws<FormatException>(() => PlatformEvent.Parse(json));
        Assert.False(PlatformEvent.TryParse(System.Text.Encoding.UTF8.GetBytes(json), out _));
    }

    [Fact]
    public void Dead_letter_topic_is_the_topic_with_dlt()
    {
        Assert.Equal("audit.log.dlt", Topics.DeadLetter(Topics.AuditLog));
        Assert.Equal(16, Topics.AllWithDeadLetters.Count);
    }

    private sealed record DeletedData(Guid DocumentId, bool Orphaned);
}
