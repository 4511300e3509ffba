namespace Events.Worker.Features.Files;

/// <summary>
/// Runs the collector at the right moments, with work that follows activity, not the number of tenants
/// (docs/decisions/background-work-follows-activity.md):
/// <list type="bullet">
/// <item>Each orphan announced by <c>document.deleted</c> is collected exactly when its grace period ends (an
/// in-memory timetable of files).</item>
/// <item>A database is swept when work was recorded for it (<see cref="TenantWorkSchedule"/>): a sweep that found
/// an orphan or a staged upload not yet due, an upload event (a staged upload may outlive its request), a failed
/// collection. No timer visits every database.</item>
/// <item>Once at start-up, a paced recovery pass sweeps every tenant database outside the tenant pools: it finds
/// what the in-memory schedule lost with the previous process (orphans whose timer died, abandoned staged uploads)
/// and schedules it.</item>
/// </list>
/// </summary>
internal sealed partial class OrphanCollection(
    OrphanCollector collector, TenantDatabaseCatalog databases, TimeProvider time, IOptions<FileHandlingOptions> options,
    SweepMetrics metrics, ILogger<OrphanCollection> logger) : BackgroundService
{
    public const string SweepName = "orphans";

    private readonly Lock _lock = new();
    private readonly PriorityQueue<(string Database, Guid FileId), DateTimeOffset> _timetable = new();
    private readonly TenantWorkSchedule _schedule = metrics.Observe(SweepName, new TenantWorkSchedule(time));
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static readonly TimeSpan Margin = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FailedSweepDelay = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RecoveryRetryDelay = TimeSpan.FromSeconds(10);

    public void Schedule(string database, Guid fileId, DateTimeOffset dueAt)
    {
        lock (_lock)
        {
            _timetable.Enqueue((database, fileId), dueAt);
            _changed.TrySetResult();
        }
    }

    /// <summary>Asks for a sweep of <paramref name="database"/> at <paramref name="at"/> (work was created there).</summary>
    public void SweepLater(string database, DateTimeOffset at) => _schedule.Request(database, at);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(RunTimetableAsync(stoppingToken), RunScheduledSweepsAsync(stoppingToken), RecoverAsync(stoppingToken));

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
                metrics.Handled(SweepName, 1);
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
            metrics.Failed(SweepName);
            LogCollectFailed(database, fileId, e);
            _schedule.Request(database, time.GetUtcNow() + FailedSweepDelay);
        }
    }

    private async Task RunScheduledSweepsAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _schedule.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            foreach (var database in _schedule.TakeDue())
            {
                await SweepAsync(database, pooled: true, stoppingToken);
            }
        }
    }

    /// <summary>The one pass over every tenant database, paced (<see cref="FileHandlingOptions.RecoveryPause"/>).</summary>
    private async Task RecoverAsync(CancellationToken stoppingToken)
    {
        try
        {
            var visited = await databases.RecoveryPassAsync(options.Value.RecoveryPause, RecoveryRetryDelay, time,
                (database, ct) => SweepAsync(database, pooled: false, ct), (e, done) => LogRecoveryInterrupted(done, e.Message), stoppingToken);
            LogRecovered(visited);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task SweepAsync(string database, bool pooled, CancellationToken stoppingToken)
    {
        metrics.Visited(SweepName);
        try
        {
            var result = await collector.SweepAsync(database, pooled, stoppingToken);
            metrics.Handled(SweepName, result.Collected + result.StagingDeleted);
            if (result.Collected > 0)
            {
                LogSwept(database, result.Collected);
            }

            if (result.NextDue is { } next)
            {
                _schedule.Request(database, next + Margin);
            }
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidCatalogName)
        {
            // Not (yet) a tenant schema, or dropped meanwhile.
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            metrics.Failed(SweepName);
            LogDatabaseSweepFailed(database, e.Message);
            _schedule.Request(database, time.GetUtcNow() + FailedSweepDelay);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Collecting orphaned file {FileId} of {Database} failed; a sweep of the database will retry")]
    private partial void LogCollectFailed(string database, Guid fileId, Exception exception);

    [LoggerMessage(LogLevel.Information, "The orphan recovery pass visited {Count} tenant databases")]
    private partial void LogRecovered(int count);

    [LoggerMessage(LogLevel.Warning, "The orphan recovery pass was interrupted after {Count} tenant databases ({Reason}); it goes on in 10 s")]
    private partial void LogRecoveryInterrupted(int count, string reason);

    // One line, no stack: with many tenants a systematic fault would otherwise flood the logs with exceptions.
    [LoggerMessage(LogLevel.Warning, "The orphan sweep of {Database} failed ({Reason}); it is retried in a minute")]
    private partial void LogDatabaseSweepFailed(string database, string reason);

    [LoggerMessage(LogLevel.Information, "Orphan sweep of {Database} collected {Count} files")]
    private partial void LogSwept(string database, int count);
}
