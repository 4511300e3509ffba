using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SaasPlatform.TenantData.Storage;

public static class StorageRegistration
{
    /// <summary>
    /// Registers <see cref="ObjectStorage"/> from the <c>storage</c> connection string, makes sure the bucket
    /// exists at start-up (retrying while the server comes up), and reports storage in <c>/health</c> until then.
    /// </summary>
    public static IHostApplicationBuilder AddObjectStorage(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<StorageOptions>(builder.Configuration.GetSection(StorageOptions.SectionName));
        builder.Services.AddSingleton(_ => StorageSettings.Parse(
            builder.Configuration.GetConnectionString(StorageSettings.ConnectionName)
            ?? throw new InvalidOperationException("ConnectionStrings:storage is not configured")));
        builder.Services.AddSingleton<ObjectStorage>();
        builder.Services.AddSingleton<BucketInitializer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BucketInitializer>());
        builder.Services.AddHealthChecks().AddCheck<BucketInitializer>("storage");
        return builder;
    }
}

/// <summary>Creates the bucket if missing; healthy once it exists.</summary>
internal sealed partial class BucketInitializer(ObjectStorage storage, ILogger<BucketInitializer> logger)
    : BackgroundService, IHealthCheck
{
    private volatile bool _ready;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await storage.EnsureBucketAsync(stoppingToken);
                _ready = true;
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogNotReady(e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The storage bucket is not ready"));

    [LoggerMessage(LogLevel.Warning, "Storage is not ready yet")]
    private partial void LogNotReady(Exception exception);
}
