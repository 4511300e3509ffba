using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace SaasPlatform.Messaging.Outbox;

/// <summary>
/// Outbox metrics on Meter "SaasPlatform", with no database or tenant in them (their number must not grow with
/// tenants): events published by topic, the relay lag (from a row's commit to Kafka's acknowledgement), publish
/// failures, and the rows known to be pending (left by a failed publish, until a publish of that database succeeds).
/// </summary>
public sealed class OutboxMetrics : IDisposable
{
    private readonly Meter _meter = new("SaasPlatform");
    private readonly Counter<long> _published;
    private readonly Histogram<double> _lag;
    private readonly Counter<long> _failures;
    private readonly ConcurrentDictionary<string, long> _pending = new(StringComparer.Ordinal);

    public OutboxMetrics()
    {
        _published = _meter.CreateCounter<long>("saasplatform.outbox.published", "{event}", "Outbox rows published to Kafka, by topic");
        _lag = _meter.CreateHistogram<double>("saasplatform.outbox.relay_lag", "ms", "From an outbox row's commit to its publication");
        _failures = _meter.CreateCounter<long>("saasplatform.outbox.publish_failures", "{event}", "Outbox rows Kafka did not take (they stay pending)");
        _meter.CreateObservableGauge("saasplatform.outbox.pending", () => Pending, "{event}",
            "Outbox rows known to be waiting for a retry after a failed publish");
    }

    /// <summary>Rows a failed publish left pending, over every database of this process.</summary>
    public long Pending => _pending.Values.Sum();

    public void Published(string topic, TimeSpan lag)
    {
        _published.Add(1, new KeyValuePair<string, object?>("topic", topic));
        _lag.Record(Math.Max(0, lag.TotalMilliseconds));
    }

    /// <summary>After a publish of <paramref name="database"/>: how many of its rows are still pending (0 when all went).</summary>
    public void PendingAfterPublish(string database, long pending)
    {
        if (pending > 0)
        {
            _failures.Add(pending);
            _pending[database] = pending;
        }
        else
        {
            _pending.TryRemove(database, out _);
        }
    }

    public void Dispose() => _meter.Dispose();
}
