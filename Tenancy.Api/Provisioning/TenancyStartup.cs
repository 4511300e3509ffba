using Microsoft.EntityFrameworkCore;
using Tenancy.Api.Data;

namespace Tenancy.Api.Provisioning;

/// <summary>
/// Start-up work before the service is ready: migrate tenancydb (creating it if missing), bring the tenant template
/// database to the current tenant schema, and finish or undo provisionings a crash interrupted.
/// </summary>
public sealed class TenancyStartup(IServiceProvider services, StartupGate gate, ILogger<TenancyStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using (var scope = services.CreateAsyncScope())
                {
                    var db = scope.ServiceProvider.GetRequiredService<TenancyDbContext>();
                    await db.Database.MigrateAsync(stoppingToken);
                }

                gate.Open();
                logger.LogInformation("Tenancy start-up complete");
                return;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Start-up attempt {Attempt} failed; retrying", attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, attempt)), stoppingToken);
            }
        }
    }
}
