using System.Collections.Frozen;
using Confluent.Kafka;

namespace Events.Worker.Consuming;

/// <summary>
/// Hands one consumed message to every handler of its topic, each at most once per event (the inbox), retrying
/// failures with backoff and dead-lettering what still fails, so a poison message never blocks its partition.
/// Returns when the message is done with (handled, skipped or dead-lettered) and its offset may be stored; throws when
/// the worker's own database is unreachable (the consumer then retries the same message).
/// </summary>
public sealed class EventDispatcher(IServiceScopeFactory scopes, DeadLetterPublisher deadLetters, ConsumerMetrics metrics,
    IOptions<EventConsumerOptions> options, TimeProvider time, ILogger<EventDispatcher> logger)
{
    private readonly Lazy<FrozenDictionary<string, Type[]>> _routes = new(() => BuildRoutes(scopes));

    /// <summary>The topics some handler wants.</summary>
    public IReadOnlyCollection<string> Topics => _routes.Value.Keys;

    public async Task DispatchAsync(ConsumeResult<string, byte[]> result, CancellationToken cancellationToken)
    {
        using var activity = KafkaTelemetry.StartProcess(result, options.Value.GroupId);
        if (!PlatformEvent.TryParse(result.Message.Value ?? [], out var platformEvent))
        {
            await deadLetters.PublishAsync(result, "Not a platform event (unparseable value)", null, cancellationToken);
            metrics.Handled(result.Topic, InboxOutcomes.DeadLettered, TimeSpan.Zero);
            return;
        }

        activity?.SetTag("messaging.message.id", platformEvent.EventId.ToString());
        using var scope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["EventId"] = platformEvent.EventId,
            ["Topic"] = result.Topic,
            ["TenantId"] = platformEvent.TenantId,
        });

        if (!_routes.Value.TryGetValue(result.Topic, out var handlers))
        {
            logger.LogDebug("No handler for {Topic}; skipped", result.Topic);
            return;
        }

        foreach (var handler in handlers)
        {
            await RunHandlerAsync(handler, platformEvent, result, cancellationToken);
        }
    }

    private async Task RunHandlerAsync(Type handlerType, PlatformEvent platformEvent, ConsumeResult<string, byte[]> result, CancellationToken cancellationToken)
    {
        var name = handlerType.Name;
        var policy = options.Value.CreateRetryPolicy();
        for (var attempt = 1; ; attempt++)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<EventsDbContext>();

            // Infrastructure, not the handler: if eventsdb is down this throws and the consumer retries the message.
            var previous = await db.Inbox.FirstOrDefaultAsync(i => i.EventId == platformEvent.EventId && i.Handler == name, cancellationToken);
            if (previous is { Outcome: InboxOutcomes.Handled })
            {
                logger.LogInformation("Event {EventId} already handled by {Handler}; duplicate delivery skipped", platformEvent.EventId, name);
                return;
            }

            try
            {
                var handler = scope.ServiceProvider.GetServices<IEventHandler>().First(h => h.GetType() == handlerType);
                await handler.HandleAsync(platformEvent, cancellationToken);

                // The inbox row commits together with whatever the handler left unsaved in this scope's EventsDbContext.
                var row = previous ?? db.Inbox.Add(new InboxEvent
                {
                    EventId = platformEvent.EventId,
                    Handler = name,
                    Topic = result.Topic,
                    Outcome = InboxOutcomes.Handled,
                }).Entity;
                Fill(row, platformEvent, result, InboxOutcomes.Handled, scope.ServiceProvider.GetRequiredService<HandlingReport>().Detail, attempt);
                await db.SaveChangesAsync(cancellationToken);
                metrics.Handled(result.Topic, InboxOutcomes.Handled, time.GetUtcNow() - platformEvent.Timestamp);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                // Another delivery of the same event completed first (e.g. during a rebalance): done.
                logger.LogInformation("Event {EventId} was handled by {Handler} concurrently; skipped", platformEvent.EventId, name);
                return;
            }
            catch (Exception ex)
            {
                var poison = ex is PoisonEventException;
                if (poison || !policy.ShouldRetry(attempt))
                {
                    logger.LogError(ex, "{Handler} failed on event {EventId} after {Attempts} attempt(s); dead-lettering", name, platformEvent.EventId, attempt);
                    await deadLetters.PublishAsync(result, ex.Message, name, cancellationToken);
                    await RecordDeadLetterAsync(name, platformEvent, result, ex.Message, attempt, cancellationToken);
                    metrics.Handled(result.Topic, InboxOutcomes.DeadLettered, time.GetUtcNow() - platformEvent.Timestamp);
                    return;
                }

                var delay = policy.DelayAfter(attempt);
                logger.LogWarning("{Handler} failed on event {EventId} (attempt {Attempt}): {Reason}; retrying in {Delay}",
                    name, platformEvent.EventId, attempt, ex.Message, delay);
                await Task.Delay(delay, time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Notes the dead-lettering in the inbox (for operators). The row does not count as handled: a later delivery
    /// (a replay from the DLT) runs the handler again.
    /// </summary>
    private async Task RecordDeadLetterAsync(string handler, PlatformEvent platformEvent, ConsumeResult<string, byte[]> result,
        string error, int attempts, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<EventsDbContext>();
        var row = await db.Inbox.FirstOrDefaultAsync(i => i.EventId == platformEvent.EventId && i.Handler == handler, cancellationToken)
            ?? db.Inbox.Add(new InboxEvent { EventId = platformEvent.EventId, Handler = handler, Topic = result.Topic, Outcome = InboxOutcomes.DeadLettered }).Entity;
        Fill(row, platformEvent, result, InboxOutcomes.DeadLettered, error, attempts);
        await db.SaveChangesAsync(cancellationToken);
    }

    private void Fill(InboxEvent row, PlatformEvent platformEvent, ConsumeResult<string, byte[]> result, string outcome, string? detail, int attempts)
    {
        row.Topic = result.Topic;
        row.TenantId = platformEvent.TenantId;
        row.Partition = result.Partition.Value;
        row.Offset = result.Offset.Value;
        row.Outcome = outcome;
        row.Detail = detail is { Length: > 2000 } ? detail[..2000] : detail;
        row.Attempts = attempts;
        row.OccurredAt = platformEvent.Timestamp;
        row.HandledAt = time.GetUtcNow();
    }

    private static FrozenDictionary<string, Type[]> BuildRoutes(IServiceScopeFactory scopes)
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetServices<IEventHandler>()
            .SelectMany(h => h.Topics.Select(topic => (topic, type: h.GetType())))
            .GroupBy(r => r.topic, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => g.Select(r => r.type).Distinct().ToArray(), StringComparer.Ordinal);
    }
}
