namespace Tenancy.Api.Provisioning;

/// <summary>
/// Start-up work before the service is ready, once tenancydb is migrated (StartupMigration, registered before this):
/// register the configured tenant servers, bring the tenant template database of every tenant server to the current
/// tenant schema, and undo provisionings a crash interrupted. Afterwards the recovery keeps
/// running now and then, for crashes of other instances.
/// </summary>
public sealed class TenancyStartup(
    IServiceProvider services,
    StartupGate gate,
    IOptions<ProvisioningOptions> options,
    ILogger<TenancyStartup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !gate.IsOpen; attempt++)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<TenantPlacement>().RegisterConfiguredServersAsync(stoppingToken);
                await scope.ServiceProvider.GetRequiredService<TenantTemplate>().EnsureCurrentAsync(stoppingToken);
                await scope.ServiceProvider.GetRequiredService<ProvisioningRecovery>().RecoverAsync(stoppingToken);
                gate.Open();
                logger.LogInformation("Tenancy start-up complete");
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Start-up attempt {Attempt} failed; retrying", attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, attempt)), stoppingToken);
            }
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(options.Value.RecoveryInterval, stoppingToken);
            try
            {
                await using var scope = services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ProvisioningRecovery>().RecoverAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Provisioning recovery failed; will retry");
            }
        }
    }
}
