using System.Collections.Concurrent;
using SaasPlatform.TenantConnections;

namespace SaasPlatform.Messaging.Outbox;

/// <summary>
/// Publishes the outboxes of tenant databases this service writes to (there are too many for a relay each).
/// <list type="bullet">
/// <item>Live: a database is published as soon as a commit signals it (<see cref="OutboxSignal"/>), by a few
/// publishers in parallel through the tenant connection pools; one slow database does not hold up the others. When
/// Kafka is down the database is signalled again after a backoff; its rows stay pending meanwhile.</item>
/// <item>Recovery: once at start-up, a paced pass over every tenant database on the server
/// (<see cref="TenantDatabaseCatalog"/>) covers a crash between commit and publish. It runs on its own, never through
/// the live queue or the tenant pools (a pass over thousands of databases would otherwise keep live commits waiting
/// and evict their pools): one short connection per database, an index probe, and a publish only where rows are
/// pending.</item>
/// <item>Revisits: a database published to is probed once more a while later (<see cref="TenantOutboxOptions.RevisitDelay"/>),
/// for rows another instance's publisher kept this one from. No timer visits every database: background work follows
/// writes, not the number of tenants (docs/decisions/background-work-follows-activity.md).</item>
/// </list>
/// A database is published by one of them at a time (<see cref="PublishGate"/>); a commit signalled meanwhile makes
/// whoever holds it go again (the sweep hands it back to the live publishers), so no committed row waits for the next
/// sweep. Across instances the publisher's advisory lock keeps it to one publisher per database.
/// </summary>
public sealed partial class TenantOutboxRelay(
    OutboxSignal signal, OutboxPublisher publisher, TenantDataSources tenants, TenantDatabaseCatalog catalog,
    SweepMetrics metrics, IOptions<TenantOutboxOptions> options, ILogger<TenantOutboxRelay> logger) : BackgroundService
{
    public const string SweepName = "tenant_outbox";

    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly PublishGate _gate = new();
    private readonly TenantWorkSchedule _revisits = metrics.Observe(SweepName, new TenantWorkSchedule(TimeProvider.System));

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var publishers = Math.Max(1, options.Value.LivePublishers);
        return Task.WhenAll(Enumerable.Range(0, publishers)
            .Select(_ => Task.Run(() => PublishSignalledAsync(stoppingToken), CancellationToken.None))
            .Append(Task.Run(() => RecoverAsync(stoppingToken), CancellationToken.None))
            .Append(Task.Run(() => RevisitAsync(stoppingToken), CancellationToken.None)));
    }

    private async Task PublishSignalledAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var database in signal.ReadSignalledDatabasesAsync(stoppingToken))
            {
                // Busy elsewhere: the holder was asked to go again, which also covers this signal's rows.
                if (!TenantDatabaseName.IsValid(database) || !_gate.TryEnter(database, rerunIfBusy: true))
                {
                    continue;
                }

                var held = true;
                try
                {
                    do
                    {
                        var published = await PublishAsync(database, stoppingToken);
                        // After a failure a retry is already scheduled: no rerun now, however often it was signalled.
                        held = _gate.RerunOrExit(database, published);
                    }
                    while (held);
                }
                finally
                {
                    if (held)
                    {
                        _gate.Exit(database);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Publishes one database through its tenant pool; false when it failed (a retry is scheduled).</summary>
    private async Task<bool> PublishAsync(string database, CancellationToken stoppingToken)
    {
        try
        {
            using var lease = await tenants.RentAsync(database, stoppingToken);
            await using var connection = lease.DataSource.CreateConnection();
            await publisher.PublishPendingAsync(connection, stoppingToken);
            _failures.TryRemove(database, out _);
            // Another instance's publisher may have held the database's lock: look again later (one probe).
            _revisits.Request(database, DateTimeOffset.UtcNow + options.Value.RevisitDelay);
            return true;
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidCatalogName)
        {
            _failures.TryRemove(database, out _); // no outbox (yet), or the database was dropped: nothing to publish
            return true;
        }
        catch (Exception e) when (e is OutboxPublishException or NpgsqlException or TimeoutException)
        {
            var failures = _failures.AddOrUpdate(database, 1, (_, n) => n + 1);
            var delay = RetryPolicy.Relay.DelayAfter(failures);
            LogPublishFailed(database, failures, delay, e);
            _ = Task.Delay(delay, stoppingToken).ContinueWith(_ => signal.Notify(database), TaskScheduler.Default);
            return false;
        }
    }

    /// <summary>The one pass over every tenant database at start-up, paced, on connections of its own.</summary>
    private async Task RecoverAsync(CancellationToken stoppingToken)
    {
        var published = 0;
        try
        {
            var visited = await catalog.RecoveryPassAsync(options.Value.RecoveryPause, TimeSpan.FromSeconds(10), TimeProvider.System,
                async (database, ct) => published += await SweepDatabaseAsync(database, pooled: false, ct),
                (e, done) => LogRecoveryInterrupted(done, e.Message), stoppingToken);
            LogRecovered(visited, published);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Looks again at databases published a while ago, for rows another publisher's lock kept it from.</summary>
    private async Task RevisitAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await _revisits.WaitAsync(stoppingToken);
                var published = 0;
                var due = _revisits.TakeDue();
                foreach (var database in due)
                {
                    published += await SweepDatabaseAsync(database, pooled: true, stoppingToken);
                }

                if (published > 0)
                {
                    LogSwept(published, due.Count);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Publishes what is pending in one database; returns how many rows were sent. <paramref name="pooled"/> false
    /// (the recovery pass) uses a connection of its own, so the pass neither evicts nor waits for live pools.
    /// </summary>
    private async Task<int> SweepDatabaseAsync(string database, bool pooled, CancellationToken stoppingToken)
    {
        metrics.Visited(SweepName);
        TenantDataSourceLease? lease = null;
        try
        {
            if (pooled)
            {
                lease = await tenants.RentAsync(database, stoppingToken);
            }

            await using var connection = lease?.DataSource.CreateConnection()
                                         ?? new NpgsqlConnection(tenants.BuildConnectionString(database, pooling: false));
            await connection.OpenAsync(stoppingToken);
            if (!await OutboxPublisher.HasPendingAsync(connection, stoppingToken)
                || !_gate.TryEnter(database, rerunIfBusy: false)) // a live publish of it is running: it sees these rows
            {
                return 0;
            }

            try
            {
                var published = await publisher.PublishPendingAsync(connection, stoppingToken);
                metrics.Handled(SweepName, published);
                return published;
            }
            finally
            {
                // A commit signalled while the sweep held the database: the live publishers take it from here.
                if (_gate.Exit(database))
                {
                    signal.Notify(database);
                }
            }
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidCatalogName)
        {
            return 0; // no outbox (yet), or the database was dropped
        }
        catch (Exception e) when (e is OutboxPublishException or NpgsqlException or TimeoutException)
        {
            // Rows stay pending; a revisit (or the next commit's signal) tries again.
            metrics.Failed(SweepName);
            LogSweepPublishFailed(database, e.Message);
            _revisits.Request(database, DateTimeOffset.UtcNow + options.Value.RevisitDelay);
            return 0;
        }
        finally
        {
            lease?.Dispose();
        }
    }

    [LoggerMessage(LogLevel.Warning, "Publishing the outbox of {Database} failed ({Failures} in a row); retrying in {Delay}")]
    private partial void LogPublishFailed(string database, int failures, TimeSpan delay, Exception exception);

    [LoggerMessage(LogLevel.Information, "Tenant outbox revisits published {Count} pending events left in {Databases} tenant databases")]
    private partial void LogSwept(int count, int databases);

    // One line, no stack: with many tenants a systematic fault would otherwise flood the logs with exceptions.
    [LoggerMessage(LogLevel.Warning, "The tenant outbox of {Database} could not be published ({Reason}); it is revisited later")]
    private partial void LogSweepPublishFailed(string database, string reason);

    [LoggerMessage(LogLevel.Information, "The tenant outbox recovery pass visited {Databases} tenant databases and published {Count} pending events")]
    private partial void LogRecovered(int databases, int count);

    [LoggerMessage(LogLevel.Warning, "The tenant outbox recovery pass was interrupted after {Databases} tenant databases ({Reason}); it goes on in 10 s")]
    private partial void LogRecoveryInterrupted(int databases, string reason);
}

/// <summary>
/// Which tenant databases are being published in this process right now, so each is published by one publisher at a
/// time, and whether a commit was signalled for one meanwhile (its holder then goes again: its last read may have
/// missed those rows).
/// </summary>
internal sealed class PublishGate
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, bool> _busy = new(StringComparer.Ordinal); // value: go again when done

    /// <summary>
    /// Takes <paramref name="database"/>; false when it is busy, in which case <paramref name="rerunIfBusy"/> asks the
    /// holder to go again.
    /// </summary>
    public bool TryEnter(string database, bool rerunIfBusy)
    {
        lock (_lock)
        {
            if (_busy.ContainsKey(database))
            {
                if (rerunIfBusy)
                {
                    _busy[database] = true;
                }

                return false;
            }

            _busy[database] = false;
            return true;
        }
    }

    /// <summary>
    /// For the holder, in one step: keeps <paramref name="database"/> and returns true when it was asked to go again
    /// (and <paramref name="mayRerun"/>), else releases it. (Two steps would lose a signal arriving in between.)
    /// </summary>
    public bool RerunOrExit(string database, bool mayRerun)
    {
        lock (_lock)
        {
            if (mayRerun && _busy.TryGetValue(database, out var rerun) && rerun)
            {
                _busy[database] = false;
                return true;
            }

            _busy.Remove(database);
            return false;
        }
    }

    /// <summary>Releases <paramref name="database"/>; returns whether a rerun was asked for and not taken.</summary>
    public bool Exit(string database)
    {
        lock (_lock)
        {
            return _busy.Remove(database, out var rerun) && rerun;
        }
    }
}

public sealed class TenantOutboxOptions
{
    public const string SectionName = "TenantOutbox";

    /// <summary>
    /// How long after a publish (or a failed probe) a database is probed again for rows another publisher's lock
    /// kept this one from. Only databases written to are revisited.
    /// </summary>
    public TimeSpan RevisitDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The pause between two databases in the recovery pass at start-up (what a crash left unpublished): 50 ms visits
    /// 1,000 tenant databases in about a minute, one short connection at a time.
    /// </summary>
    public TimeSpan RecoveryPause { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Tenant databases published at once after commits (each through the tenant pools, so at most
    /// <c>TenantData:Connections:MaxOpenDataSources</c> matter).
    /// </summary>
    public int LivePublishers { get; set; } = 4;
}
