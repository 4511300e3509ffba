using System.Data;
using Confluent.Kafka;
using SaasPlatform.Messaging.Kafka;

namespace SaasPlatform.Messaging.Outbox;

/// <summary>
/// Publishes the pending rows of one database's outbox, in id order, with the idempotent producer, and marks them
/// sent in the same transaction that read them. One publisher per database at a time (a transaction-scoped advisory
/// lock), so several instances of a service can run relays safely. Delivery is at least once: a crash between the
/// produce and the commit publishes the rows again, and consumers deduplicate by <c>event_id</c>.
/// Works on any database with the outbox table: a service's own database or any tenant database.
/// </summary>
public sealed class OutboxPublisher(IProducer<string, byte[]> producer, TimeProvider time, ILogger<OutboxPublisher> logger, OutboxMetrics? metrics = null)
{
    public const int BatchSize = 200;

    // pg_try_advisory_xact_lock key: "outbox" in ASCII. Advisory locks are per database.
    private const long LockKey = 0x6F7574626F78;

    private static readonly string SelectPending =
        $"SELECT id, topic, key, payload::text, headers::text, created_at FROM {OutboxModelExtensions.TableName} WHERE sent_at IS NULL ORDER BY id LIMIT {BatchSize}";

    /// <summary>Publishes everything pending in the database of <paramref name="db"/>; returns how many rows were sent.</summary>
    public Task<int> PublishPendingAsync(DbContext db, CancellationToken cancellationToken) =>
        PublishPendingAsync((NpgsqlConnection)db.Database.GetDbConnection(), cancellationToken);

    /// <summary>
    /// Publishes everything pending through <paramref name="connection"/> (opened and closed here if it is closed).
    /// Returns how many rows were sent; 0 also when another publisher holds this database. Throws
    /// <see cref="OutboxPublishException"/> when Kafka refused or timed out (the rows stay pending; back off and retry).
    /// </summary>
    public async Task<int> PublishPendingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var opened = false;
        if (connection.State != ConnectionState.Open)
        {
            await connection.OpenAsync(cancellationToken);
            opened = true;
        }

        try
        {
            var total = 0;
            while (true)
            {
                var sent = await PublishBatchAsync(connection, cancellationToken);
                total += Math.Max(sent, 0);
                if (sent < BatchSize)
                {
                    return total;
                }
            }
        }
        finally
        {
            if (opened)
            {
                await connection.CloseAsync();
            }
        }
    }

    /// <summary>
    /// Whether the outbox behind <paramref name="connection"/> (open) has rows waiting to be published: one index probe
    /// (the partial index on pending rows), so a sweep can look at many databases cheaply and publish only where needed.
    /// </summary>
    public static async Task<bool> HasPendingAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT EXISTS (SELECT 1 FROM {OutboxModelExtensions.TableName} WHERE sent_at IS NULL)", connection);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    /// <summary>Deletes rows sent before <paramref name="olderThan"/> ago; the outbox is not an archive.</summary>
    public async Task<int> PurgeSentAsync(NpgsqlConnection connection, TimeSpan olderThan, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"DELETE FROM {OutboxModelExtensions.TableName} WHERE id IN (SELECT id FROM {OutboxModelExtensions.TableName} WHERE sent_at < @cutoff LIMIT 10000)",
            connection);
        command.Parameters.AddWithValue("cutoff", time.GetUtcNow() - olderThan);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<int> PublishBatchAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand($"SELECT pg_try_advisory_xact_lock({LockKey})", connection, transaction))
        {
            if (await lockCommand.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return -1;
            }
        }

        var rows = new List<PendingRow>();
        await using (var select = new NpgsqlCommand(SelectPending, connection, transaction))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                rows.Add(new PendingRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5)));
            }
        }

        if (rows.Count == 0)
        {
            metrics?.PendingAfterPublish(connection.Database, 0);
            return 0;
        }

        // Produce calls enqueue synchronously and in order; the idempotent producer keeps that order per partition.
        var deliveries = rows.Select(Produce).ToList();
        var sent = new List<long>(rows.Count);
        var failed = new List<long>();
        Exception? firstError = null;
        for (var i = 0; i < rows.Count; i++)
        {
            try
            {
                await deliveries[i];
                sent.Add(rows[i].Id);
                metrics?.Published(rows[i].Topic, time.GetUtcNow() - rows[i].CreatedAt);
            }
            catch (Exception ex) when (ex is ProduceException<string, byte[]> or KafkaException)
            {
                failed.Add(rows[i].Id);
                firstError ??= ex;
            }
        }

        var now = time.GetUtcNow();
        if (sent.Count > 0)
        {
            await using var update = new NpgsqlCommand(
                $"UPDATE {OutboxModelExtensions.TableName} SET sent_at = @now, attempts = attempts + 1, last_error = NULL WHERE id = ANY(@ids)",
                connection, transaction);
            update.Parameters.AddWithValue("now", now);
            update.Parameters.AddWithValue("ids", sent.ToArray());
            await update.ExecuteNonQueryAsync(CancellationToken.None);
        }

        if (failed.Count > 0)
        {
            await using var update = new NpgsqlCommand(
                $"UPDATE {OutboxModelExtensions.TableName} SET attempts = attempts + 1, last_error = @error WHERE id = ANY(@ids)",
                connection, transaction);
            update.Parameters.AddWithValue("error", Truncate(firstError!.Message, 2000));
            update.Parameters.AddWithValue("ids", failed.ToArray());
            await update.ExecuteNonQueryAsync(CancellationToken.None);
        }

        // Not cancellable: what Kafka has accepted must be recorded, or it is published again.
        await transaction.CommitAsync(CancellationToken.None);
        metrics?.PendingAfterPublish(connection.Database, failed.Count);

        if (sent.Count > 0)
        {
            logger.LogDebug("Published {Count} outbox messages from {Database}", sent.Count, connection.Database);
        }

        return firstError is null
            ? sent.Count
            : throw new OutboxPublishException($"{failed.Count} of {rows.Count} outbox messages from {connection.Database} not published: {firstError.Message}", firstError);
    }

    private async Task Produce(PendingRow row)
    {
        string? traceParent = null, traceState = null;
        if (row.Headers is not null)
        {
            var headers = JsonSerializer.Deserialize<Dictionary<string, string>>(row.Headers);
            headers?.TryGetValue(KafkaTelemetry.TraceParentHeader, out traceParent);
            headers?.TryGetValue(KafkaTelemetry.TraceStateHeader, out traceState);
        }

        using var activity = KafkaTelemetry.StartPublish(row.Topic, row.Key, traceParent, traceState);
        try
        {
            var result = await producer.ProduceAsync(row.Topic, new Message<string, byte[]>
            {
                Key = row.Key,
                Value = Encoding.UTF8.GetBytes(row.Payload),
                Headers = KafkaTelemetry.TraceHeaders(activity, traceParent, traceState),
            });
            activity?.SetTag("messaging.destination.partition.id", result.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
            activity?.SetTag("messaging.kafka.offset", result.Offset.Value);
        }
        catch (Exception ex)
        {
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            throw;
        }
    }

    private static string Truncate(string text, int max) => text.Length <= max ? text : text[..max];

    private sealed record PendingRow(long Id, string Topic, string Key, string Payload, string? Headers, DateTimeOffset CreatedAt);
}

/// <summary>Kafka did not take some outbox messages; they stay pending.</summary>
public sealed class OutboxPublishException(string message, Exception inner) : Exception(message, inner);
