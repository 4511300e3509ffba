using Confluent.Kafka;
using Microsoft.Extensions.Options;
using SaasPlatform.Messaging.Kafka;

namespace Events.Worker.Consuming;

/// <summary>
/// The worker's consume loop: one consumer in group <see cref="EventConsumerOptions.GroupId"/>, subscribed to every
/// topic a handler wants. An offset is stored only after its message is done with (<c>enable.auto.offset.store=false</c>
/// then <c>StoreOffset</c>); auto-commit commits what was stored. On shutdown it commits the stored offsets and
/// leaves the group cleanly. Runs on its own thread: <c>Consume</c> blocks.
/// </summary>
internal sealed class EventConsumer(
    EventDispatcher dispatcher,
    ConsumerMetrics metrics,
    IOptions<KafkaOptions> kafkaOptions,
    IOptions<EventConsumerOptions> options,
    TimeProvider time,
    ILogger<EventConsumer> logger) : BackgroundService
{
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(5);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        var topics = dispatcher.Topics.ToArray();
        if (topics.Length == 0)
        {
            logger.LogWarning("No event handlers registered; the consumer does not start");
            return;
        }

        var groupId = options.Value.GroupId;
        using var consumer = new ConsumerBuilder<string, byte[]>(kafkaOptions.Value.CreateConsumerConfig(groupId))
            .SetErrorHandler((_, error) => LogError(error))
            .SetPartitionsAssignedHandler((_, partitions) =>
                logger.LogInformation("Assigned {Count} partitions: {Partitions}", partitions.Count, string.Join(",", partitions)))
            .SetPartitionsRevokedHandler((_, partitions) =>
                logger.LogInformation("Revoked {Count} partitions", partitions.Count))
            .SetPartitionsLostHandler((_, partitions) =>
                logger.LogWarning("Lost {Count} partitions", partitions.Count))
            .Build();

        consumer.Subscribe(topics);
        logger.LogInformation("Consuming {Topics} as group {GroupId}", string.Join(",", topics), groupId);
        var lagUpdatedAt = time.GetTimestamp();
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                ConsumeResult<string, byte[]>? result;
                try
                {
                    result = consumer.Consume(TimeSpan.FromMilliseconds(500));
                }
                catch (ConsumeException ex) when (!ex.Error.IsFatal)
                {
                    logger.LogWarning("Consume failed: {Reason}", ex.Error.Reason);
                    continue;
                }

                if (time.GetElapsedTime(lagUpdatedAt) > LagInterval)
                {
                    metrics.UpdateLag(consumer);
                    lagUpdatedAt = time.GetTimestamp();
                }

                if (result is null || result.IsPartitionEOF)
                {
                    continue;
                }

                try
                {
                    dispatcher.DispatchAsync(result, stoppingToken).GetAwaiter().GetResult();
                    failures = 0;
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    // Not stored: the message is delivered again after the restart.
                    break;
                }
                catch (Exception ex)
                {
                    // Our own infrastructure failed (eventsdb): keep the message and try it again after a pause.
                    failures++;
                    var delay = SaasPlatform.Messaging.RetryPolicy.Relay.DelayAfter(failures);
                    logger.LogError(ex, "Dispatching {Topic}[{Partition}]@{Offset} failed; retrying in {Delay}",
                        result.Topic, result.Partition.Value, result.Offset.Value, delay);
                    consumer.Seek(result.TopicPartitionOffset);
                    stoppingToken.WaitHandle.WaitOne(delay);
                    continue;
                }

                consumer.StoreOffset(result);
            }
        }
        finally
        {
            try
            {
                consumer.Commit();
            }
            catch (KafkaException ex)
            {
                // "No offset stored" is the usual reason: nothing was handled since the last auto-commit.
                logger.LogDebug("Final commit: {Reason}", ex.Error.Reason);
            }

            consumer.Close();
            metrics.ClearLag();
            logger.LogInformation("Consumer closed");
        }
    }

    private void LogError(Error error)
    {
        if (error.IsFatal)
        {
            logger.LogError("Kafka consumer fatal error {Code}: {Reason}", error.Code, error.Reason);
        }
        else
        {
            logger.LogInformation("Kafka consumer error {Code}: {Reason}", error.Code, error.Reason);
        }
    }
}
