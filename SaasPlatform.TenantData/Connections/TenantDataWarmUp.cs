using Microsoft.Extensions.Hosting;

namespace SaasPlatform.TenantData.Connections;

/// <summary>Runs <see cref="TenantDataSources.WarmUp"/> while the host starts, before it takes requests.</summary>
internal sealed class TenantDataWarmUp(TenantDataSources tenants) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.Run(tenants.WarmUp, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
