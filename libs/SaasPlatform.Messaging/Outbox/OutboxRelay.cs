using Microsoft.Extensions.DependencyInjection;

namespace SaasPlatform.Messaging.Outbox;

public sealed class OutboxRelayOptions
{
    /// <summary>Safety net for missed signals (another process wrote, a crash): look for pending rows this often.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>LISTEN for the <c>outbox_messages</c> notification (see <see cref="OutboxMigrations"/>).</summary>
    public bool Listen { get; set; } = true;

    /// <summary>Sent rows older than this are deleted.</summary>
    public TimeSpan RetainSent { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>
/// Publishes the outbox of a service's own database: at start (what a crash left behind), whenever a commit
/// signals new rows (in process, or by PostgreSQL NOTIFY from any process), and on a slow sweep. While Kafka is down
/// it retries with backoff; rows stay pending until Kafka took them.
/// </summary>
internal sealed class OutboxRelay<TDbContext>(
    IServiceScopeFactory scopes,
    OutboxPublisher publisher,
    OutboxSignal signal,
    IOptions<OutboxRelayOptions> options,
    TimeProvider time,
    ILogger<OutboxRelay<TDbContext>> logger) : BackgroundService
    where TDbContext : DbContext
{
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        string database, connectionString;
        using (var scope = scopes.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
            var connection = db.Database.GetDbConnection();
            database = connection.Database;
            connectionString = db.Database.GetConnectionString() ?? connection.ConnectionString;
        }

        var wake = signal.Claim(database);
        var listener = options.Value.Listen ? ListenAsync(database, connectionString, stoppingToken) : Task.CompletedTask;
        var failures = 0;
        var lastPurge = DateTimeOffset.MinValue;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<TDbContext>();
                var connection = (NpgsqlConnection)db.Database.GetDbConnection();
                await publisher.PublishPendingAsync(connection, stoppingToken);
                if (time.GetUtcNow() - lastPurge > PurgeInterval)
                {
                    lastPurge = time.GetUtcNow();
                    await connection.OpenAsync(stoppingToken);
                    await publisher.PurgeSentAsync(connection, options.Value.RetainSent, stoppingToken);
                }

                if (failures > 0)
                {
                    logger.LogInformation("Outbox relay for {Database} recovered after {Failures} failed attempts", database, failures);
                }

                failures = 0;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                failures++;
                var delay = RetryPolicy.Relay.DelayAfter(failures);
                // The first failure of a streak is a warning with the exception; the rest are one line each.
                if (failures == 1)
                {
                    logger.LogWarning(ex, "Outbox relay for {Database} failed; retrying in {Delay}", database, delay);
                }
                else
                {
                    logger.LogInformation("Outbox relay for {Database} failed {Failures} times ({Reason}); retrying in {Delay}",
                        database, failures, ex.Message, delay);
                }

                await SleepAsync(delay, stoppingToken);
                continue;
            }

            // Sleep until a commit signals new rows, or until the sweep.
            using var sweep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            sweep.CancelAfter(options.Value.SweepInterval);
            try
            {
                await wake.WaitToReadAsync(sweep.Token);
                wake.TryRead(out _);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
        }

        await listener;
    }

    /// <summary>LISTEN on a dedicated connection; a notification wakes the relay. Reconnects after errors.</summary>
    private async Task ListenAsync(string database, string connectionString, CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var builder = new NpgsqlConnectionStringBuilder(connectionString) { KeepAlive = 30, Pooling = false };
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => signal.Notify(database);
                await using (var listen = new NpgsqlCommand($"LISTEN {OutboxMigrations.NotifyChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                failures = 0;
                logger.LogInformation("Outbox relay listening for commits to {Database}", database);
                // Rows committed while we were not listening are picked up by this extra wake-up.
                signal.Notify(database);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures++;
                logger.LogInformation("Outbox LISTEN on {Database} interrupted ({Reason}); reconnecting", database, ex.Message);
                await SleepAsync(RetryPolicy.Relay.DelayAfter(failures), stoppingToken);
            }
        }
    }

    private async Task SleepAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
