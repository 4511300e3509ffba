using System.Globalization;
using System.Text;
using Confluent.Kafka;

namespace Events.Worker.Consuming;

/// <summary>
/// Sends a message that could not be handled to <c>&lt;topic&gt;.dlt</c>: the original key, value and headers, plus
/// headers saying where it came from and why. Retries while Kafka is down: the partition cannot move on before the
/// message is safe somewhere.
/// </summary>
public sealed class DeadLetterPublisher(IProducer<string, byte[]> producer, TimeProvider time, ILogger<DeadLetterPublisher> logger)
{
    public const string OriginalTopicHeader = "dlt.original.topic";
    public const string OriginalPartitionHeader = "dlt.original.partition";
    public const string OriginalOffsetHeader = "dlt.original.offset";
    public const string ErrorHeader = "dlt.error";
    public const string HandlerHeader = "dlt.handler";

    public async Task PublishAsync(ConsumeResult<string, byte[]> result, string reason, string? handler, CancellationToken cancellationToken)
    {
        var headers = new Headers();
        foreach (var header in result.Message.Headers ?? [])
        {
            headers.Add(header.Key, header.GetValueBytes());
        }

        headers.Add(OriginalTopicHeader, Encoding.UTF8.GetBytes(result.Topic));
        headers.Add(OriginalPartitionHeader, Encoding.UTF8.GetBytes(result.Partition.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(OriginalOffsetHeader, Encoding.UTF8.GetBytes(result.Offset.Value.ToString(CultureInfo.InvariantCulture)));
        headers.Add(ErrorHeader, Encoding.UTF8.GetBytes(reason.Length > 1000 ? reason[..1000] : reason));
        if (handler is not null)
        {
            headers.Add(HandlerHeader, Encoding.UTF8.GetBytes(handler));
        }

        var topic = Topics.DeadLetter(result.Topic);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await producer.ProduceAsync(topic, new Message<string, byte[]>
                {
                    Key = result.Message.Key,
                    Value = result.Message.Value,
                    Headers = headers,
                }, cancellationToken);
                logger.LogWarning("Dead-lettered {Topic}[{Partition}]@{Offset} to {DeadLetterTopic}: {Reason}",
                    result.Topic, result.Partition.Value, result.Offset.Value, topic, reason);
                return;
            }
            catch (ProduceException<string, byte[]> ex)
            {
                var delay = RetryPolicy.Relay.DelayAfter(attempt);
                logger.LogWarning("Publishing to {DeadLetterTopic} failed ({Reason}); retrying in {Delay}", topic, ex.Error.Reason, delay);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }
}
