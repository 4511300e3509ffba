using Confluent.Kafka;

namespace Events.Worker.Consuming;

/// <summary>
/// The worker's consume loop: one consumer in group <see cref="EventConsumerOptions.GroupId"/>, subscribed to every
/// topic a handler wants. Each assigned partition gets a <see cref="PartitionLane"/>: partitions are handled in
/// parallel, each in order. An offset is stored only after its message is done with
/// (<c>enable.auto.offset.store=false</c>, then <c>StoreOffset</c>); auto-commit commits what was stored. On a
/// rebalance or shutdown the affected lanes finish their current work first, then the stored offsets are committed
/// and the consumer leaves the group cleanly. The loop runs on its own thread: <c>Consume</c> blocks.
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
    private static readonly TimeSpan DrainGrace = TimeSpan.FromSeconds(10);

    private readonly Dictionary<TopicPartition, PartitionLane> _lanes = [];

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
        IConsumer<string, byte[]>? self = null;
        using var consumer = new ConsumerBuilder<string, byte[]>(kafkaOptions.Value.CreateConsumerConfig(groupId))
            .SetErrorHandler((_, error) => LogError(error))
            .SetPartitionsAssignedHandler((_, partitions) =>
                logger.LogInformation("Assigned {Count} partitions: {Partitions}", partitions.Count, string.Join(",", partitions)))
            .SetPartitionsRevokedHandler((_, partitions) =>
            {
                DrainLanes(partitions.Select(p => p.TopicPartition));
                logger.LogInformation("Revoked {Count} partitions", partitions.Count);
            })
            .SetPartitionsLostHandler((_, partitions) =>
            {
                DrainLanes(partitions.Select(p => p.TopicPartition));
                logger.LogWarning("Lost {Count} partitions", partitions.Count);
            })
            .Build();
        self = consumer;

        consumer.Subscribe(topics);
        logger.LogInformation("Consuming {Topics} as group {GroupId}", string.Join(",", topics), groupId);
        var lagUpdatedAt = time.GetTimestamp();
        try
        {
            consumer.ConsumeUntilStopped(result =>
            {
                if (time.GetElapsedTime(lagUpdatedAt) > LagInterval)
                {
                    metrics.UpdateLag(consumer);
                    lagUpdatedAt = time.GetTimestamp();
                }

                if (result is null)
                {
                    return;
                }

                if (!_lanes.TryGetValue(result.TopicPartition, out var lane))
                {
                    lane = new PartitionLane(result.TopicPartition, dispatcher.DispatchAsync, StoreOffset, time, logger, stoppingToken);
                    _lanes[result.TopicPartition] = lane;
                }

                lane.Enqueue(result);
            }, error => logger.LogWarning("Consume failed: {Reason}", error.Reason), stoppingToken);
        }
        finally
        {
            // Let in-flight events finish (within the grace), so their offsets are stored and committed below.
            DrainLanes([.. _lanes.Keys]);
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

        void StoreOffset(ConsumeResult<string, byte[]> handled) => self!.StoreOffset(handled);
    }

    // Runs on the consume thread (inside Consume for rebalances), so _lanes needs no lock.
    private void DrainLanes(IEnumerable<TopicPartition> partitions)
    {
        var draining = partitions.Select(p => _lanes.Remove(p, out var lane) ? lane : null).OfType<PartitionLane>().ToList();
        Parallel.ForEach(draining, lane => lane.Drain(DrainGrace));
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
