using Microsoft.Extensions.Options;
using Npgsql;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.TenantData.Connections;

namespace Documents.Api.Outbox;

/// <summary>
/// Publishes the outboxes of tenant databases this service writes to (there are too many for a relay each): a
/// database is published as soon as a commit signals it, and a slow sweep over every tenant database on the server
/// covers a crash between commit and publish. When Kafka is down the database is signalled again after a backoff.
/// </summary>
public sealed partial class TenantOutboxRelay(
    OutboxSignal signal, OutboxPublisher publisher, TenantDataSources tenants, IConfiguration configuration,
    IOptions<TenantOutboxOptions> options, ILogger<TenantOutboxRelay> logger) : BackgroundService
{
    private readonly Dictionary<string, int> _failures = new(StringComparer.Ordinal);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(PublishSignalledAsync(stoppingToken), SweepAsync(stoppingToken));

    private async Task PublishSignalledAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var database in signal.ReadSignalledDatabasesAsync(stoppingToken))
            {
                if (TenantDatabaseName.IsValid(database))
                {
                    await PublishAsync(database, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PublishAsync(string database, CancellationToken stoppingToken)
    {
        try
        {
            using var lease = await tenants.RentAsync(database, stoppingToken);
            await using var connection = lease.DataSource.CreateConnection();
            await publisher.PublishPendingAsync(connection, stoppingToken);
            _failures.Remove(database);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.UndefinedTable or PostgresErrorCodes.InvalidCatalogName)
        {
            _failures.Remove(database); // no outbox (yet), or the database was dropped: nothing to publish
        }
        catch (Exception e) when (e is OutboxPublishException or NpgsqlException or TimeoutException)
        {
            var failures = _failures[database] = _failures.GetValueOrDefault(database) + 1;
            var delay = RetryPolicy.Relay.DelayAfter(failures);
            LogPublishFailed(database, failures, delay, e);
            _ = Task.Delay(delay, stoppingToken).ContinueWith(_ => signal.Notify(database), TaskScheduler.Default);
        }
    }

    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.SweepInterval);
        do
        {
            try
            {
                foreach (var database in await ListTenantDatabasesAsync(stoppingToken))
                {
                    signal.Notify(database);
                }
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
            {
                LogSweepFailed(e);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
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

    /// <summary>Tenant databases on the server that have an outbox with pending rows.</summary>
    private async Task<List<string>> ListTenantDatabasesAsync(CancellationToken cancellationToken)
    {
        var server = configuration.GetConnectionString("postgres")
            ?? throw new InvalidOperationException("ConnectionStrings:postgres is not configured");
        await using var connection = new NpgsqlConnection(server);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT datname FROM pg_database WHERE datname LIKE 'tenant\\_%' AND NOT datistemplate AND datallowconn", connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            if (TenantDatabaseName.IsValid(name))
            {
                names.Add(name);
            }
        }

        return names;
    }

    [LoggerMessage(LogLevel.Warning, "Publishing the outbox of {Database} failed ({Failures} in a row); retrying in {Delay}")]
    private partial void LogPublishFailed(string database, int failures, TimeSpan delay, Exception exception);

    [LoggerMessage(LogLevel.Warning, "The tenant outbox sweep failed")]
    private partial void LogSweepFailed(Exception exception);
}

public sealed class TenantOutboxOptions
{
    public const string SectionName = "TenantOutbox";

    /// <summary>How often every tenant database is checked for events a crash left unpublished.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(2);
}
