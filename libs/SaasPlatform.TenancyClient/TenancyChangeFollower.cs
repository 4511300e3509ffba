using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaasPlatform.ServiceDefaults;

namespace SaasPlatform.TenancyClient;

/// <summary>
/// Follows Tenancy.Api's change stream (<c>GET /internal/changes</c>: one line per change of a tenant or a membership)
/// and tells <see cref="TenantAccessChecker"/>, which then keeps answers until they change instead of re-asking every
/// 250 ms. A membership granted or revoked through any Tenancy.Api replica reaches every replica of this service
/// milliseconds after its commit. While the stream is down the checker falls back to its short bound, so nothing
/// here is needed for correctness, only for speed (docs/decisions/cache-invalidation.md).
/// </summary>
public sealed partial class TenancyChangeFollower(
    IHttpClientFactory httpClientFactory,
    TenantAccessChecker checker,
    IOptions<TenantAccessOptions> options,
    TimeProvider time,
    ILogger<TenancyChangeFollower> logger) : BackgroundService
{
    public const string LiveLine = "live";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Reconnecting.KeepOpenAsync(FollowAsync,
            e => e is HttpRequestException or IOException or TimeoutException or InvalidDataException or OperationCanceledException,
            e => LogStreamFailed(logger, e.Message), checker.StopFollowing, time, stoppingToken);

    private async Task FollowAsync(CancellationToken stoppingToken)
    {
        using var http = httpClientFactory.CreateClient(nameof(TenancyChangeFollower));
        using var response = await http.GetAsync(new Uri(options.Value.TenancyBaseAddress, PlatformServices.Routes.TenancyChanges),
            HttpCompletionOption.ResponseHeadersRead, stoppingToken);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync(stoppingToken);
        using var reader = new StreamReader(body);
        if (await ReadLineAsync(reader, stoppingToken) != LiveLine)
        {
            throw new InvalidDataException("The change stream did not start with its live line");
        }

        checker.StartFollowing();
        LogFollowing(logger);
        while (await ReadLineAsync(reader, stoppingToken) is { } change)
        {
            if (change.Length > 0)
            {
                checker.Forget(change);
            }
        }
    }

    /// <summary>The next line; a stream silent for longer than its heartbeats allow is treated as broken.</summary>
    private async Task<string?> ReadLineAsync(StreamReader reader, CancellationToken stoppingToken)
    {
        using var silence = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        silence.CancelAfter(options.Value.ChangeStreamSilence);
        try
        {
            return await reader.ReadLineAsync(silence.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The change stream said nothing for {options.Value.ChangeStreamSilence.TotalSeconds:0} s");
        }
    }

    [LoggerMessage(LogLevel.Information, "Following Tenancy.Api's changes: tenant access answers are kept until they change")]
    private static partial void LogFollowing(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Tenancy.Api's change stream is unavailable ({Reason}); access answers are reused for the short bound until it is back")]
    private static partial void LogStreamFailed(ILogger logger, string reason);
}

/// <summary>
/// Says whether Tenancy.Api's changes are followed. Always healthy: without the stream access answers are reused for
/// <see cref="TenantAccessOptions.CacheDuration"/> instead, which is slower, not wrong.
/// </summary>
public sealed class TenancyChangesHealthCheck(TenantAccessChecker checker, IOptions<TenantAccessOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(HealthCheckResult.Healthy(checker.IsFollowing
            ? "Following Tenancy.Api's changes"
            : $"Not following Tenancy.Api's changes: access answers are reused for {options.Value.CacheDuration.TotalMilliseconds:0} ms"));
}
