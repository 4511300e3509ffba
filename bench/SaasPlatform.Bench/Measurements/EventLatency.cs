using System.Diagnostics;
using System.Net;
using Npgsql;

namespace SaasPlatform.Bench.Measurements;

/// <summary>
/// Part 5: commit-to-handled latency of events. A cheap operation that emits one <c>audit.log</c> event (renaming a
/// document; small uploads if renames are not available) is repeated at a steady rate; Events.Worker's inbox
/// (<c>eventsdb.inbox_events</c>) records each event's timestamp (<c>occurred_at</c>, set as the change commits) and
/// when its handler finished (<c>handled_at</c>).
/// </summary>
public static class EventLatency
{
    private const string Handler = "StoreAuditRecord";
    private const double TargetP99Ms = 200;

    public static async Task<IReadOnlyList<Row>> RunAsync(BenchOptions options, Cleanup cleanup, CancellationToken cancellationToken)
    {
        var name = $"Event latency, commit → handled (audit.log, {options.Events} events at {options.EventsPerSecond}/s)";
        const string target = "p99 ≤ 200 ms";
        if (options.Postgres is null)
        {
            return [Row.NotMeasured(name, target, "BENCH_POSTGRES not set")];
        }

        using var api = PlatformApi.Create(options.Gateway, TimeSpan.FromSeconds(30));
        string token;
        Guid tenantId;
        Guid documentId;
        try
        {
            (_, token) = await api.NewUserAsync(cancellationToken);
            (tenantId, var databaseName) = await api.CreateTenantAsync(token, "bench events", cancellationToken);
            cleanup.AddTenant(token, tenantId, databaseName);
            using var content = new ByteArrayContent(PseudoRandomStream.Bytes(1024, (ulong)Random.Shared.NextInt64()));
            documentId = await api.UploadAsync(token, tenantId, content, "event-0.bin", cancellationToken);
        }
        catch (BenchSkipException ex)
        {
            return [Row.NotMeasured(name, target, ex.Message)];
        }

        var builder = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = "eventsdb" };
        await using var eventsDb = NpgsqlDataSource.Create(builder.ConnectionString);

        // Warm-up: the first event of a new tenant pays for its outbox relay, connection pool and partition; wait until it is handled.
        var warmUpSince = DateTimeOffset.UtcNow;
        var useRenames = await api.RenameDocumentAsync(token, tenantId, documentId, "event-warmup.bin", cancellationToken) == HttpStatusCode.OK;
        var operation = useRenames ? "document renames" : "1 KB uploads";
        if (!useRenames)
        {
            using var content = new ByteArrayContent(PseudoRandomStream.Bytes(1024, (ulong)Random.Shared.NextInt64()));
            await api.UploadAsync(token, tenantId, content, "event-warmup.bin", cancellationToken);
        }

        var warmUp = await WaitForHandledAsync(eventsDb, tenantId, warmUpSince, 1, cancellationToken);
        if (warmUp.Count == 0)
        {
            return [Row.NotMeasured(name, target, "the warm-up event was not handled within 2 minutes")];
        }

        BenchLog.Write($"events: emitting through {operation}; warm-up event handled after {warmUp.Max():0} ms");

        var p50s = new List<double>();
        var p99s = new List<double>();
        var maxes = new List<double>();
        for (var rep = 0; rep < options.Repeat; rep++)
        {
            var since = DateTimeOffset.UtcNow;
            var interval = TimeSpan.FromSeconds(1.0 / options.EventsPerSecond);
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < options.Events; i++)
            {
                // A steady rate: wait for the slot of event i (no catch-up burst if one call was slow).
                var due = interval * i;
                if (due > clock.Elapsed)
                {
                    await Task.Delay(due - clock.Elapsed, cancellationToken);
                }

                if (useRenames)
                {
                    var status = await api.RenameDocumentAsync(token, tenantId, documentId, $"event-{rep}-{i}.bin", cancellationToken);
                    if (status != HttpStatusCode.OK)
                    {
                        return [Row.NotMeasured(name, target, $"rename answered {(int)status}")];
                    }
                }
                else
                {
                    using var content = new ByteArrayContent(PseudoRandomStream.Bytes(1024, (ulong)Random.Shared.NextInt64()));
                    await api.UploadAsync(token, tenantId, content, $"event-{rep}-{i}.bin", cancellationToken);
                }
            }

            var emitted = clock.Elapsed;
            var latencies = await WaitForHandledAsync(eventsDb, tenantId, since, options.Events, cancellationToken);
            if (latencies.Count < options.Events)
            {
                return [Row.NotMeasured(name, target, $"only {latencies.Count} of {options.Events} events handled within 2 minutes")];
            }

            var p50 = Stats.Percentile(latencies, 50);
            var p99 = Stats.Percentile(latencies, 99);
            BenchLog.Write($"events: repetition {rep + 1}: {latencies.Count} events emitted in {emitted.TotalSeconds:0.0} s; p50 {p50:0.0} ms, p99 {p99:0.0} ms, max {latencies.Max():0.0} ms");
            p50s.Add(p50);
            p99s.Add(p99);
            maxes.Add(latencies.Max());
        }

        var medianP99 = Stats.Median(p99s);
        return
        [
            new Row(name.Replace("audit.log", $"audit.log from {operation}", StringComparison.Ordinal),
                $"p50 {Report.Ms(Stats.Median(p50s))}, p99 {Report.Ms(medianP99)} (max {Report.Ms(Stats.Median(maxes))})",
                "inbox_events.handled_at − occurred_at", "", target, Report.Check(medianP99 <= TargetP99Ms)),
        ];
    }

    /// <summary>Waits (at most 2 minutes) until the inbox holds every event of this repetition; returns their latencies.</summary>
    private static async Task<List<double>> WaitForHandledAsync(NpgsqlDataSource eventsDb, Guid tenantId, DateTimeOffset since, int expected, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        var latencies = new List<double>();
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            latencies.Clear();
            await using var query = eventsDb.CreateCommand(
                "SELECT extract(epoch FROM (handled_at - occurred_at)) * 1000 FROM inbox_events " +
                "WHERE tenant_id = $1 AND handler = $2 AND outcome = 'handled' AND topic = 'audit.log' AND occurred_at >= $3");
            query.Parameters.Add(new NpgsqlParameter { Value = tenantId });
            query.Parameters.Add(new NpgsqlParameter { Value = Handler });
            query.Parameters.Add(new NpgsqlParameter { Value = since });
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                latencies.Add((double)reader.GetDecimal(0));
            }

            if (latencies.Count >= expected)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        }

        return latencies;
    }
}
