using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SaasPlatform.Messaging.Database;

/// <summary>
/// Applies a service's own database migrations when the host starts: hosted services start in registration order and
/// the HTTP server after them, so whatever is registered after this sees the current schema. Replicas queue on
/// <see cref="ExclusiveMigration"/>; while the server is unreachable it retries (<see cref="RetryPolicy.Startup"/>),
/// and <c>/health</c> reports <c>&lt;database&gt;-migrations</c> unhealthy until it is done
/// (docs/decisions/startup-migrations.md).
/// </summary>
public sealed class StartupMigration<TContext>(IServiceScopeFactory scopes, string database, ILogger<StartupMigration<TContext>> logger)
    : IHostedService, IHealthCheck
    where TContext : DbContext
{
    private volatile bool _done;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<TContext>().Database.MigrateExclusivelyAsync(cancellationToken);
                _done = true;
                logger.LogInformation("{Database} migrated", database);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException && RetryPolicy.Startup.ShouldRetry(attempt))
            {
                logger.LogWarning("Migrating {Database} failed (attempt {Attempt}): {Reason}", database, attempt, ex.Message);
                await Task.Delay(RetryPolicy.Startup.DelayAfter(attempt), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_done ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy($"{database} migrations not applied yet"));
}

public static class StartupMigrationExtensions
{
    /// <summary>
    /// Migrates <typeparamref name="TContext"/>'s database (named <paramref name="database"/>) at start-up, before the
    /// hosted services registered after this call, with the health check <c>&lt;database&gt;-migrations</c>.
    /// </summary>
    public static IHostApplicationBuilder AddStartupMigration<TContext>(this IHostApplicationBuilder builder, string database)
        where TContext : DbContext
    {
        builder.Services.AddSingleton(sp => new StartupMigration<TContext>(
            sp.GetRequiredService<IServiceScopeFactory>(), database, sp.GetRequiredService<ILogger<StartupMigration<TContext>>>()));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<StartupMigration<TContext>>());
        builder.Services.AddHealthChecks().AddCheck<StartupMigration<TContext>>($"{database}-migrations");
        return builder;
    }
}
