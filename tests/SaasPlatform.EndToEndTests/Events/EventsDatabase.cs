using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace SaasPlatform.EndToEndTests.Events;

/// <summary>
/// Direct access to the worker's database (eventsdb) for tests that prove something about the event pipeline's
/// internals: writing events into its outbox exactly as a service's <c>EnqueueEvent</c> + <c>SaveChanges</c> would,
/// and reading the inbox and the stored audit records.
/// </summary>
internal sealed class EventsDatabase(string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    public static async Task<EventsDatabase> OpenAsync(PlatformFixture platform) =>
        new(await platform.GetConnectionStringAsync("eventsdb") ?? throw new InvalidOperationException("no eventsdb connection string"));

    /// <summary>The D12 value of an <c>audit.log</c> event, as Messaging's <c>PlatformEvent</c> writes it.</summary>
    public static string AuditEventJson(Guid eventId, Guid tenantId, Guid? userId, string action, string? resourceId = null) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["event_id"] = eventId.ToString(),
            ["event_type"] = "audit.log",
            ["tenant_id"] = tenantId.ToString(),
            ["user_id"] = userId?.ToString(),
            ["timestamp"] = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            ["data"] = new Dictionary<string, object?> { ["action"] = action, ["resource_type"] = "test", ["resource_id"] = resourceId },
        });

    /// <summary>Commits one outbox row in its own transaction, as a service does; returns the time the commit returned.</summary>
    public async Task<DateTimeOffset> EnqueueAsync(string topic, string key, string payload)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand(
            "INSERT INTO outbox_messages (topic, key, payload, headers, created_at, attempts) VALUES (@topic, @key, @payload::jsonb, NULL, now(), 0)",
            connection, transaction))
        {
            insert.Parameters.AddWithValue("topic", topic);
            insert.Parameters.AddWithValue("key", key);
            insert.Parameters.AddWithValue("payload", payload);
            await insert.ExecuteNonQueryAsync();
        }

        // Taken as the commit starts (like an event's timestamp): the pipeline may handle the event before this
        // process gets to run again after the commit, so a clock read afterwards can be later than handled_at.
        var committing = DateTimeOffset.UtcNow;
        await transaction.CommitAsync();
        return committing;
    }

    public Task<DateTimeOffset> EnqueueAuditAsync(Guid eventId, Guid tenantId, string action, string? resourceId = null) =>
        EnqueueAsync("audit.log", tenantId.ToString(), AuditEventJson(eventId, tenantId, null, action, resourceId));

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = _dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public Task<long> AuditCountAsync(Guid tenantId) =>
        CountAsync("SELECT count(*) FROM audit_records WHERE tenant_id = @t", ("t", tenantId));

    public Task<long> InboxCountAsync(Guid tenantId, string outcome = "handled") =>
        CountAsync("SELECT count(*) FROM inbox_events WHERE tenant_id = @t AND outcome = @o", ("t", tenantId), ("o", outcome));

    /// <summary>When the worker handled each event of a tenant (inbox <c>handled_at</c>), by event id.</summary>
    public async Task<Dictionary<Guid, DateTimeOffset>> HandledAtAsync(Guid tenantId)
    {
        await using var command = _dataSource.CreateCommand("SELECT event_id, handled_at FROM inbox_events WHERE tenant_id = @t AND outcome = 'handled'");
        command.Parameters.AddWithValue("t", tenantId);
        await using var reader = await command.ExecuteReaderAsync();
        var result = new Dictionary<Guid, DateTimeOffset>();
        while (await reader.ReadAsync())
        {
            result[reader.GetGuid(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }

        return result;
    }

    /// <summary>
    /// Waits until one event makes the whole trip (relay, broker, consumer assigned, handler), so a test's timing
    /// does not include the worker's start-up.
    /// </summary>
    public async Task EnsurePipelineReadyAsync()
    {
        var tenantId = Guid.NewGuid();
        await EnqueueAuditAsync(Guid.NewGuid(), tenantId, "test.canary");
        Assert.True(await WaitUntilAsync(async () => await AuditCountAsync(tenantId) == 1, TimeSpan.FromMinutes(3)),
            "the event pipeline did not become ready");
    }

    /// <summary>When the relay marked each event of a tenant sent (outbox <c>sent_at</c>), by event id.</summary>
    public async Task<Dictionary<Guid, DateTimeOffset>> SentAtAsync(Guid tenantId)
    {
        await using var command = _dataSource.CreateCommand("SELECT (payload->>'event_id')::uuid, sent_at FROM outbox_messages WHERE key = @k AND sent_at IS NOT NULL");
        command.Parameters.AddWithValue("k", tenantId.ToString());
        await using var reader = await command.ExecuteReaderAsync();
        var result = new Dictionary<Guid, DateTimeOffset>();
        while (await reader.ReadAsync())
        {
            result[reader.GetGuid(0)] = reader.GetFieldValue<DateTimeOffset>(1);
        }

        return result;
    }

    /// <summary>Polls until <paramref name="condition"/> holds or the timeout passes; returns whether it held.</summary>
    public static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, TimeSpan? interval = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(interval ?? TimeSpan.FromMilliseconds(100));
        }

        return await condition();
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
