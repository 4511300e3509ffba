using Confluent.Kafka;

namespace SaasPlatform.Messaging.Kafka;

/// <summary>The poll loop every long-running consumer shares.</summary>
public static class ConsumeLoop
{
    /// <summary>How long one <c>Consume</c> blocks: a stop request is seen within it.</summary>
    public static readonly TimeSpan PollTimeout = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Polls <paramref name="consumer"/> on the calling thread (<c>Consume</c> blocks) until <paramref name="stoppingToken"/>
    /// is cancelled. Every poll calls <paramref name="handle"/>, with its message or null (none came, or a partition's
    /// end); a non-fatal consume error goes to <paramref name="onError"/> and the loop goes on (librdkafka recovers).
    /// </summary>
    public static void ConsumeUntilStopped(this IConsumer<string, byte[]> consumer, Action<ConsumeResult<string, byte[]>?> handle,
        Action<Error> onError, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            ConsumeResult<string, byte[]>? result;
            try
            {
                result = consumer.Consume(PollTimeout);
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                onError(ex.Error);
                continue;
            }

            handle(result is { IsPartitionEOF: false } ? result : null);
        }
    }
}
