using Microsoft.EntityFrameworkCore;
using SaasPlatform.Messaging.Database;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Events.Worker.Data;

/// <summary>
/// Applies the eventsdb migrations when the host starts, before the consumer and the HTTP server (hosted services
/// start in registration order and before Kestrel). Retries while PostgreSQL is not reachable yet; /health reports
/// unhealthy until it is done.
/// </summary>
internal sealed class EventsDbMigrator(IServiceScopeFactory scopes, ILogger<EventsDbMigrator> logger) : IHostedService, IHealthCheck
{
    private volatile bool _done;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var scope = scopes.CreateScope();
                var db = scope.ServiceProvider.GetRequiredService<EventsDbContext>();
                await db.Database.MigrateExclusivelyAsync(cancellationToken);
                _done = true;
                logger.LogInformation("eventsdb migrated");
                return;
            }
            catch (Exception ex) when (attempt < 30 && ex is not OperationCanceledException)
            {
                logger.LogWarning("Migrating eventsdb failed (attempt {Attempt}): {Reason}", attempt, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("eventsdb migrations not applied yet"));
}
