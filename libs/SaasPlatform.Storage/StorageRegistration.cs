using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SaasPlatform.Storage;

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

    private (long At, HealthCheckResult Result)? _lastProbe;

    /// <summary>
    /// Unhealthy until the bucket exists, then whenever the storage server does not answer for it (probed at most every
    /// few seconds, with a short timeout), so <c>/health</c> names a storage outage instead of answering healthy.
    /// </summary>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!_ready)
        {
            return HealthCheckResult.Unhealthy("The storage bucket is not ready");
        }

        if (_lastProbe is { } last && System.Diagnostics.Stopwatch.GetElapsedTime(last.At) < TimeSpan.FromSeconds(5))
        {
            return last.Result;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(3));
        HealthCheckResult result;
        try
        {
            result = await storage.BucketExistsAsync(timeout.Token)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The storage bucket is missing");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            result = HealthCheckResult.Unhealthy("The storage server does not answer", e);
        }

        _lastProbe = (System.Diagnostics.Stopwatch.GetTimestamp(), result);
        return result;
    }

    [LoggerMessage(LogLevel.Warning, "Storage is not ready yet")]
    private partial void LogNotReady(Exception exception);
}
