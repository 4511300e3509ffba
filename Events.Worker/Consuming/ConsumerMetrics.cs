using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Confluent.Kafka;
using SaasPlatform.Messaging.Kafka;

namespace Events.Worker.Consuming;

/// <summary>
/// The worker's metrics on Meter "SaasPlatform": consumer lag per partition (high watermark minus position, from the
/// client's cached watermarks: no broker round trip), events handled by outcome, and the delay from an event's
/// timestamp to its handling.
/// </summary>
public sealed class ConsumerMetrics
{
    private readonly ConcurrentDictionary<TopicPartition, long> _lag = new();
    private readonly Counter<long> _handled;
    private readonly Histogram<double> _delay;

    public ConsumerMetrics()
    {
        KafkaTelemetry.Meter.CreateObservableGauge("saasplatform.events.consumer_lag", ObserveLag, "{message}",
            "Messages behind the end of each assigned partition");
        _handled = KafkaTelemetry.Meter.CreateCounter<long>("saasplatform.events.handled", "{event}", "Events processed, by topic and outcome");
        _delay = KafkaTelemetry.Meter.CreateHistogram<double>("saasplatform.events.delay", "ms", "From the event's timestamp to its handling");
    }

    /// <summary>Total lag over all assigned partitions (for logs and tests).</summary>
    public long TotalLag => _lag.Values.Sum();

    public void Handled(string topic, string outcome, TimeSpan delay)
    {
        _handled.Add(1, new KeyValuePair<string, object?>("topic", topic), new KeyValuePair<string, object?>("outcome", outcome));
        _delay.Record(delay.TotalMilliseconds, new KeyValuePair<string, object?>("topic", topic));
    }

    /// <summary>Refreshes the lag of the consumer's assignment; called from the consume loop (the client is not shared).</summary>
    public void UpdateLag(IConsumer<string, byte[]> consumer)
    {
        var assignment = consumer.Assignment;
        foreach (var partition in _lag.Keys.Except(assignment))
        {
            _lag.TryRemove(partition, out _);
        }

        foreach (var partition in assignment)
        {
            var watermarks = consumer.GetWatermarkOffsets(partition);
            var position = consumer.Position(partition);
            if (watermarks.High != Offset.Unset && position != Offset.Unset)
            {
                _lag[partition] = Math.Max(0, watermarks.High.Value - position.Value);
            }
        }
    }

    public void ClearLag() => _lag.Clear();

    private IEnumerable<Measurement<long>> ObserveLag() =>
        _lag.Select(p => new Measurement<long>(p.Value,
            new KeyValuePair<string, object?>("topic", p.Key.Topic),
            new KeyValuePair<string, object?>("partition", p.Key.Partition.Value)));
}
