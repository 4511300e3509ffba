using Microsoft.Extensions.Hosting;

namespace SaasPlatform.TenantSchema;

/// <summary>Runs <see cref="TenantDbContextFactory.WarmUp"/> while the host starts, before it takes requests.</summary>
internal sealed class TenantDbContextWarmUp(TenantDbContextFactory contexts) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.Run(contexts.WarmUp, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
