using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Confluent.Kafka;

namespace Events.Worker.Consuming;

/// <summary>
/// The worker's metrics on Meter "SaasPlatform": consumer lag per topic (high watermark minus position, summed over
/// the assigned partitions), events handled by outcome, and the delay from an event's timestamp to its handling.
/// The lag starts from the client's cached watermarks (no broker round trip); a partition that looks behind is asked
/// again of the broker, because the cached high watermark can stay ahead of what was fetched (so the gauge read 2-3
/// with nothing pending). It reads 0 when nothing is pending.
/// </summary>
public sealed class ConsumerMetrics
{
    private static readonly TimeSpan BrokerQueryTimeout = TimeSpan.FromMilliseconds(500);

    private readonly ConcurrentDictionary<TopicPartition, long> _lag = new();
    private readonly Counter<long> _handled;
    private readonly Histogram<double> _delay;

    public ConsumerMetrics()
    {
        KafkaTelemetry.Meter.CreateObservableGauge("saasplatform.events.consumer_lag", ObserveLag, "{message}",
            "Messages behind the end of the assigned partitions, by topic");
        _handled = KafkaTelemetry.Meter.CreateCounter<long>("saasplatform.events.handled", "{event}", "Events processed, by topic and outcome");
        _delay = KafkaTelemetry.Meter.CreateHistogram<double>("saasplatform.events.delay", "ms", "From the event's timestamp to its handling");
    }

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
            var position = consumer.Position(partition);
            if (position == Offset.Unset)
            {
                continue; // nothing consumed there since the assignment
            }

            var high = consumer.GetWatermarkOffsets(partition).High;
            if (high != Offset.Unset && high.Value > position.Value)
            {
                high = BrokerHighWatermark(consumer, partition) ?? high;
            }

            if (high != Offset.Unset)
            {
                _lag[partition] = Lag(high.Value, position.Value);
            }
        }
    }

    /// <summary>Messages between the consumer's position and the end of the partition; never negative.</summary>
    public static long Lag(long highWatermark, long position) => Math.Max(0, highWatermark - position);

    private static Offset? BrokerHighWatermark(IConsumer<string, byte[]> consumer, TopicPartition partition)
    {
        try
        {
            return consumer.QueryWatermarkOffsets(partition, BrokerQueryTimeout).High;
        }
        catch (KafkaException)
        {
            return null; // broker unreachable right now: keep the cached figure
        }
    }

    public void ClearLag() => _lag.Clear();

    private IEnumerable<Measurement<long>> ObserveLag() =>
        _lag.GroupBy(p => p.Key.Topic, StringComparer.Ordinal)
            .Select(topic => new Measurement<long>(topic.Sum(p => p.Value), new KeyValuePair<string, object?>("topic", topic.Key)));
}
