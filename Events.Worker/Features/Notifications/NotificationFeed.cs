using Confluent.Kafka;
using Microsoft.AspNetCore.SignalR;

namespace Events.Worker.Features.Notifications;

/// <summary>
/// Reads <c>audit.log</c> from Kafka for this hub instance alone, in a consumer group of its own
/// (<see cref="NotificationOptions.GroupIdPrefix"/> + <see cref="InstanceId"/>), from the end of each partition and
/// without commits: live notifications are for whoever is connected now, and every replica reads every event, so no
/// backplane is needed (docs/decisions/live-notifications.md). Allow-listed actions go to the tenant's group in the
/// order of the partition (one tenant, one partition); a removed member's or a deleted tenant's connections then
/// leave the group. The loop runs on its own thread: <c>Consume</c> blocks.
/// </summary>
public sealed partial class NotificationFeed(
    IHubContext<NotificationHub> hub,
    NotificationConnections connections,
    NotificationMetrics metrics,
    IOptions<KafkaOptions> kafkaOptions,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationFeed> logger) : BackgroundService
{
    private readonly TaskCompletionSource _reading = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>This process's id among the hub's instances (random per start; names the consumer group).</summary>
    public string InstanceId { get; } = Guid.NewGuid().ToString("N")[..12];

    /// <summary>
    /// Completes once partitions are assigned at known offsets: every event committed after that is forwarded.
    /// <c>JoinTenant</c> waits for it, so a client that has joined misses nothing that follows.
    /// </summary>
    public Task Reading => _reading.Task;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(() => Run(stoppingToken), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void Run(CancellationToken stoppingToken)
    {
        var groupId = options.Value.GroupIdPrefix + InstanceId;
        var config = kafkaOptions.Value.CreateConsumerConfig(groupId);
        config.AutoOffsetReset = AutoOffsetReset.Latest;
        config.EnableAutoCommit = false;   // nothing to resume: a restarted instance has no connections from before
        // Eager assignment, so the assigned handler can pin each partition's start offset (below). The group has one member.
        config.PartitionAssignmentStrategy = PartitionAssignmentStrategy.Range;

        using var consumer = new ConsumerBuilder<string, byte[]>(config)
            .SetErrorHandler((_, error) => LogConsumerError(logger, error.Code.ToString(), error.Reason))
            .SetPartitionsAssignedHandler((c, partitions) => StartAtEnd(c, partitions))
            .Build();
        consumer.Subscribe(Topics.AuditLog);
        LogStarted(logger, Topics.AuditLog, groupId);
        try
        {
            consumer.ConsumeUntilStopped(result =>
            {
                if (result?.Message.Value is { } value)
                {
                    // Awaited in order: a tenant's notifications keep the order of its partition.
                    ForwardAsync(value, stoppingToken).GetAwaiter().GetResult();
                }
            }, error => LogConsumerError(logger, error.Code.ToString(), error.Reason), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            consumer.Close();
        }
    }

    /// <summary>
    /// Starts each assigned partition at its current end, asked of the broker now, rather than letting "latest" be
    /// resolved at some later fetch: events committed after <see cref="Reading"/> completes are never skipped.
    /// </summary>
    private List<TopicPartitionOffset> StartAtEnd(IConsumer<string, byte[]> consumer, List<TopicPartition> partitions)
    {
        var starts = partitions.Select(partition =>
        {
            try
            {
                return new TopicPartitionOffset(partition, consumer.QueryWatermarkOffsets(partition, TimeSpan.FromSeconds(5)).High);
            }
            catch (KafkaException)
            {
                return new TopicPartitionOffset(partition, Offset.End);
            }
        }).ToList();
        LogAssigned(logger, starts.Count);
        _reading.TrySetResult();
        return starts;
    }

    private async Task ForwardAsync(byte[] value, CancellationToken stoppingToken)
    {
        if (!PlatformEvent.TryParse(value, out var auditEvent) || NotificationTypes.FromAuditEvent(auditEvent) is not { } notification)
        {
            return;
        }

        var group = NotificationGroups.ForTenant(notification.TenantId);
        try
        {
            var audience = !NotificationTypes.ActorOnly.Contains(notification.Type) ? hub.Clients.Group(group)
                : notification.UserId is { } actor ? hub.Clients.Clients([.. connections.InTenant(notification.TenantId, actor).Select(c => c.ConnectionId)])
                : null;
            if (audience is null)
            {
                return;
            }

            await audience.SendAsync(NotificationHub.NotificationMethod, notification, stoppingToken);
            metrics.Forwarded(notification.Type, time.GetUtcNow() - notification.Timestamp);

            // After the notification, so the removed member hears of the removal itself, and nothing after it.
            var change = NotificationTypes.MembershipChangeOf(notification);
            if (change.Any)
            {
                foreach (var connection in connections.InTenant(notification.TenantId, change.All ? null : change.Member).ToList())
                {
                    connection.Tenants.TryRemove(notification.TenantId, out _);
                    await hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, group, stoppingToken);
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogForwardFailed(logger, ex, notification.Type);
        }
    }

    [LoggerMessage(LogLevel.Information, "Live notifications: reading {Topic} as group {GroupId}")]
    private static partial void LogStarted(ILogger logger, string topic, string groupId);

    [LoggerMessage(LogLevel.Information, "Live notifications: {Count} partitions assigned, reading from their end")]
    private static partial void LogAssigned(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "Live notifications consumer: {Code} {Reason}")]
    private static partial void LogConsumerError(ILogger logger, string code, string reason);

    [LoggerMessage(LogLevel.Warning, "Live notification {Type} could not be forwarded")]
    private static partial void LogForwardFailed(ILogger logger, Exception exception, string type);
}
