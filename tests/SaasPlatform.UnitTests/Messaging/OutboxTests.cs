using System.Diagnostics;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Audit;
using SaasPlatform.Messaging.Outbox;

namespace SaasPlatform.UnitTests.Messaging;

public sealed class OutboxTests
{
    [Fact]
    public void Enqueued_event_becomes_an_outbox_row_with_the_value_the_key_and_the_current_trace()
    {
        using var db = TestDb.Create();
        using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        var tenant = Guid.NewGuid();

        var e = db.EnqueueEvent(Topics.DocumentUploaded, tenant, Guid.NewGuid(), new { DocumentId = "d1" });

        var row = db.ChangeTracker.Entries<OutboxMessage>().Single().Entity;
        Assert.Equal(Topics.DocumentUploaded, row.Topic);
        Assert.Equal(tenant.ToString(), row.Key);
        Assert.Equal(e.ToJson(), row.Payload);
        Assert.Null(row.SentAt);
        var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Headers!)!;
        Assert.Equal(activity.Id, headers["traceparent"]);
    }

    [Fact]
    public void Without_a_trace_there_are_no_headers()
    {
        using var db = TestDb.Create();
        Activity.Current = null;

        db.EnqueueEvent(Topics.AuditLog, null, null, null);

        Assert.Null(db.ChangeTracker.Entries<OutboxMessage>().Single().Entity.Headers);
    }

    [Fact]
    public void Audit_helper_enqueues_an_audit_log_event()
    {
        using var db = TestDb.Create();
        var tenant = Guid.NewGuid();
        var user = Guid.NewGuid();

        var e = db.EnqueueAudit(tenant, user, AuditActions.MemberAdded, "user", "u-1", new { Role = "viewer" });

        Assert.Equal(Topics.AuditLog, e.EventType);
        var data = e.DataAs<AuditData>()!;
        Assert.Equal("member.added", data.Action);
        Assert.Equal("user", data.ResourceType);
        Assert.Equal("u-1", data.ResourceId);
        Assert.Equal("viewer", data.Details!.Value.GetProperty("role").GetString());
        Assert.Equal(Topics.AuditLog, db.ChangeTracker.Entries<OutboxMessage>().Single().Entity.Topic);
    }

    [Fact]
    public void Outbox_table_has_the_columns_the_publisher_reads()
    {
        using var db = TestDb.Create();

        var entity = db.Model.FindEntityType(typeof(OutboxMessage))!;

        Assert.Equal("outbox_messages", entity.GetTableName());
        Assert.Equal("jsonb", entity.FindProperty(nameof(OutboxMessage.Payload))!.GetColumnType());
        Assert.Equal(
            ["attempts", "created_at", "headers", "id", "key", "last_error", "payload", "sent_at", "topic"],
            entity.GetProperties().Select(p => p.GetColumnName()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Signal_wakes_a_claimed_database_and_queues_others_once()
    {
        var signal = new OutboxSignal();
        var own = signal.Claim("servicedb");

        signal.Notify("servicedb");
        signal.Notify("tenant_a_00000001");
        signal.Notify("tenant_a_00000001");
        signal.Notify("tenant_b_00000002");

        Assert.True(own.TryRead(out _));
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var seen = new List<string>();
        await foreach (var database in signal.ReadSignalledDatabasesAsync(cts.Token))
        {
            seen.Add(database);
            if (seen.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(["tenant_a_00000001", "tenant_b_00000002"], seen);
        // Once read, a database can be queued again.
        signal.Notify("tenant_a_00000001");
        await using var again = signal.ReadSignalledDatabasesAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await again.MoveNextAsync());
        Assert.Equal("tenant_a_00000001", again.Current);
    }

    private sealed class TestDb(DbContextOptions<TestDb> options) : DbContext(options)
    {
        // Building the model and tracking entities needs no server.
        public static TestDb Create() => new(new DbContextOptionsBuilder<TestDb>().UseNpgsql("Host=unused;Database=unused").Options);

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutbox();
    }
}
