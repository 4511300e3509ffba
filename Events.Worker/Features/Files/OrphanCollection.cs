using Microsoft.Extensions.Options;
using Npgsql;
using SaasPlatform.TenantData.Connections;

namespace Events.Worker.Features.Files;

/// <summary>
/// Runs the collector at the right moments: each orphan announced by <c>document.deleted</c> exactly when its grace
/// period ends (an in-memory timetable), and a periodic sweep over every tenant database for whatever a restart or a
/// lost event left, so no orphan outlives its grace period by more than the sweep interval.
/// </summary>
internal sealed partial class OrphanCollection(
    OrphanCollector collector, TenantDatabaseCatalog databases, TimeProvider time, IOptions<FileHandlingOptions> options,
    ILogger<OrphanCollection> logger) : BackgroundService
{
    private readonly Lock _lock = new();
    private readonly PriorityQueue<(string Database, Guid FileId), DateTimeOffset> _timetable = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    public void Schedule(string database, Guid fileId, DateTimeOffset dueAt)
    {
        lock (_lock)
        {
            _timetable.Enqueue((database, fileId), dueAt);
            _changed.TrySetResult();
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(RunTimetableAsync(stoppingToken), RunSweepsAsync(stoppingToken));

    private async Task RunTimetableAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            (string Database, Guid FileId)? next = null;
            Task wake;
            lock (_lock)
            {
                if (_timetable.TryPeek(out var item, out var dueAt) && dueAt <= time.GetUtcNow())
                {
                    next = _timetable.Dequeue();
                    wake = Task.CompletedTask;
                }
                else
                {
                    if (_changed.Task.IsCompleted)
                    {
                        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    }

                    var delay = _timetable.Count > 0 ? dueAt - time.GetUtcNow() : Timeout.InfiniteTimeSpan;
                    wake = delay == Timeout.InfiniteTimeSpan
                        ? _changed.Task
                        : Task.WhenAny(_changed.Task, Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, time, stoppingToken));
                }
            }

            if (next is { } work)
            {
                await CollectAsync(work.Database, work.FileId, stoppingToken);
                continue;
            }

            try
            {
                await wake.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task CollectAsync(string database, Guid fileId, CancellationToken stoppingToken)
    {
        try
        {
            if (await collector.CollectAsync(database, fileId, stoppingToken))
            {
                return;
            }

            // Not collected: either no longer an orphan (nothing to do) or not quite due by this clock (a timer that
            // fired a hair early, clocks of two services apart): look again shortly.
            if (await collector.DueAtAsync(database, fileId, stoppingToken) is { } dueAt)
            {
                var now = time.GetUtcNow();
                Schedule(database, fileId, dueAt > now ? dueAt + Margin : now + RetryDelay);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // The sweep tries again.
            LogCollectFailed(database, fileId, e);
        }
    }

    private async Task RunSweepsAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.EffectiveSweepInterval, time);
        do
        {
            try
            {
                foreach (var database in await databases.ListAsync(stoppingToken))
                {
                    await SweepAsync(database, stoppingToken);
                }
            }
            catch (NpgsqlException e)
            {
                LogSweepFailed(e);
            }
        }
        while (await NextTickAsync(timer, stoppingToken));
    }

    private async Task SweepAsync(string database, CancellationToken stoppingToken)
    {
        try
        {
            var collected = await collector.SweepAsync(database, stoppingToken);
            if (collected > 0)
            {
                LogSwept(database, collected);
            }
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidCatalogName)
        {
            // Not (yet) a tenant schema, or dropped meanwhile.
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogDatabaseSweepFailed(database, e);
        }
    }

    private static async Task<bool> NextTickAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(LogLevel.Warning, "Collecting orphaned file {FileId} of {Database} failed; the sweep will retry")]
    private partial void LogCollectFailed(string database, Guid fileId, Exception exception);

    [LoggerMessage(LogLevel.Warning, "Listing tenant databases for the orphan sweep failed")]
    private partial void LogSweepFailed(Exception exception);

    [LoggerMessage(LogLevel.Warning, "The orphan sweep of {Database} failed")]
    private partial void LogDatabaseSweepFailed(string database, Exception exception);

    [LoggerMessage(LogLevel.Information, "Orphan sweep of {Database} collected {Count} files")]
    private partial void LogSwept(string database, int count);
}
