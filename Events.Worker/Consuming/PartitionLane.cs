using System.Threading.Channels;
using Confluent.Kafka;

namespace Events.Worker.Consuming;

/// <summary>
/// The messages of one partition, handled one after another in offset order (so each tenant's events stay in
/// order) while other partitions' lanes run in parallel. After a message is done with, its offset is stored.
/// A failure of the worker's own infrastructure (eventsdb) retries the same message in place, keeping the order.
/// </summary>
internal sealed class PartitionLane
{
    private readonly Channel<ConsumeResult<string, byte[]>> _queue =
        Channel.CreateBounded<ConsumeResult<string, byte[]>>(new BoundedChannelOptions(500) { SingleReader = true, SingleWriter = true });

    private readonly CancellationTokenSource _abort;
    private readonly Task _worker;

    public PartitionLane(TopicPartition partition, Func<ConsumeResult<string, byte[]>, CancellationToken, Task> dispatch,
        Action<ConsumeResult<string, byte[]>> storeOffset, TimeProvider time, ILogger logger, CancellationToken stoppingToken)
    {
        Partition = partition;
        _abort = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        _worker = Task.Run(() => RunAsync(dispatch, storeOffset, time, logger));
    }

    public TopicPartition Partition { get; }

    /// <summary>Queues a message; waits (blocking the consume loop) while the lane is full.</summary>
    public void Enqueue(ConsumeResult<string, byte[]> result)
    {
        while (!_queue.Writer.TryWrite(result))
        {
            if (_abort.IsCancellationRequested)
            {
                return;
            }

            // Back-pressure: the consumer stops fetching until this lane catches up (heartbeats run in librdkafka's thread).
            var wait = _queue.Writer.WaitToWriteAsync(_abort.Token).AsTask();
            try
            {
                if (!wait.GetAwaiter().GetResult())
                {
                    return;
                }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Stops taking messages and lets the queued ones finish for up to <paramref name="grace"/>; then aborts the rest.
    /// Whatever is not finished is not stored, so the partition's next owner receives it again.
    /// </summary>
    public void Drain(TimeSpan grace)
    {
        _queue.Writer.TryComplete();
        if (!_worker.Wait(grace))
        {
            _abort.Cancel();
            _worker.Wait(TimeSpan.FromSeconds(5));
        }

        _abort.Dispose();
    }

    private async Task RunAsync(Func<ConsumeResult<string, byte[]>, CancellationToken, Task> dispatch,
        Action<ConsumeResult<string, byte[]>> storeOffset, TimeProvider time, ILogger logger)
    {
        var token = _abort.Token;
        try
        {
            await foreach (var result in _queue.Reader.ReadAllAsync(token))
            {
                for (var failures = 0; ; )
                {
                    try
                    {
                        await dispatch(result, token);
                        storeOffset(result);
                        break;
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception ex)
                    {
                        failures++;
                        var delay = SaasPlatform.Messaging.RetryPolicy.Relay.DelayAfter(failures);
                        logger.LogError(ex, "Dispatching {Topic}[{Partition}]@{Offset} failed; retrying in {Delay}",
                            result.Topic, result.Partition.Value, result.Offset.Value, delay);
                        await Task.Delay(delay, time, token);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (KafkaException ex)
        {
            // StoreOffset after the partition was taken away: the next owner handles it again (at least once).
            logger.LogInformation("Lane {Partition} stopped: {Reason}", Partition, ex.Error.Reason);
        }
    }
}
