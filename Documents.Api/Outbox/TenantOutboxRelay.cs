using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.TenantData.Connections;

namespace Documents.Api.Outbox;

/// <summary>
/// Publishes the outboxes of tenant databases this service writes to (there are too many for a relay each).
/// <list type="bullet">
/// <item>Live: a database is published as soon as a commit signals it (<see cref="OutboxSignal"/>), by a few
/// publishers in parallel through the tenant connection pools; one slow database does not hold up the others. When
/// Kafka is down the database is signalled again after a backoff; its rows stay pending meanwhile.</item>
/// <item>Sweep: a slow pass over every tenant database on the server (<see cref="TenantDatabaseCatalog"/>) covers a
/// crash between commit and publish. It runs on its own, never through the live queue or the tenant pools (a pass over
/// thousands of databases would otherwise keep live commits waiting for tens of seconds and evict their pools): one
/// short connection per database, an index probe, and a publish only where rows are pending.</item>
/// </list>
/// A database is published by one of them at a time (<see cref="PublishGate"/>); a commit signalled meanwhile makes
/// whoever holds it go again (the sweep hands it back to the live publishers), so no committed row waits for the next
/// sweep. Across instances the publisher's advisory lock keeps it to one publisher per database.
/// </summary>
public sealed partial class TenantOutboxRelay(
    OutboxSignal signal, OutboxPublisher publisher, TenantDataSources tenants, TenantDatabaseCatalog catalog,
    IOptions<TenantOutboxOptions> options, ILogger<TenantOutboxRelay> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly PublishGate _gate = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var publishers = Math.Max(1, options.Value.LivePublishers);
        return Task.WhenAll(Enumerable.Range(0, publishers)
            .Select(_ => Task.Run(() => PublishSignalledAsync(stoppingToken), CancellationToken.None))
            .Append(Task.Run(() => SweepAsync(stoppingToken), CancellationToken.None)));
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

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        do
        {
            try
            {
                var published = 0;
                var databases = await catalog.ListAsync(stoppingToken);
                foreach (var database in databases)
                {
                    published += await SweepDatabaseAsync(database, stoppingToken);
                }

                if (published > 0)
                {
                    LogSwept(published, databases.Count);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                LogSweepFailed(e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>Publishes what is pending in one database on a connection of its own; returns how many rows were sent.</summary>
    private async Task<int> SweepDatabaseAsync(string database, CancellationToken stoppingToken)
    {
        try
        {
            // Not pooled, and not through the tenant pools: live publishing and requests keep theirs.
            await using var connection = new NpgsqlConnection(tenants.BuildConnectionString(database, pooling: false));
            await connection.OpenAsync(stoppingToken);
            if (!await OutboxPublisher.HasPendingAsync(connection, stoppingToken)
                || !_gate.TryEnter(database, rerunIfBusy: false)) // a live publish of it is running: it sees these rows
            {
                return 0;
            }

            try
            {
                return await publisher.PublishPendingAsync(connection, stoppingToken);
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
            // Rows stay pending; the next sweep (or the next commit's signal) tries again.
            LogSweepPublishFailed(database, e);
            return 0;
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
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

    [LoggerMessage(LogLevel.Warning, "Publishing the outbox of {Database} failed ({Failures} in a row); retrying in {Delay}")]
    private partial void LogPublishFailed(string database, int failures, TimeSpan delay, Exception exception);

    [LoggerMessage(LogLevel.Information, "The tenant outbox sweep published {Count} pending events left in {Databases} tenant databases")]
    private partial void LogSwept(int count, int databases);

    [LoggerMessage(LogLevel.Warning, "The tenant outbox sweep could not publish {Database}; the next sweep tries again")]
    private partial void LogSweepPublishFailed(string database, Exception exception);

    [LoggerMessage(LogLevel.Warning, "The tenant outbox sweep failed")]
    private partial void LogSweepFailed(Exception exception);
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

    /// <summary>How often every tenant database is checked for events a crash left unpublished.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Tenant databases published at once after commits (each through the tenant pools, so at most
    /// <c>TenantData:Connections:MaxOpenDataSources</c> matter).
    /// </summary>
    public int LivePublishers { get; set; } = 4;
}
