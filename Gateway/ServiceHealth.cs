using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using SaasPlatform.ServiceDefaults;

namespace Gateway;

/// <summary>
/// The gateway's aggregate health, computed in the background and served from memory (decision D14): once a second
/// every backend service's <c>/health</c> is asked in parallel (800 ms timeout), and the answer to
/// <c>GET /health</c> is rebuilt as bytes. A load balancer or monitoring burst therefore costs nothing downstream,
/// and a failing service, or the part a service reports failing (its database, broker or storage), is named within
/// two seconds (one interval plus one timeout).
/// </summary>
internal sealed class ServiceHealth(HttpClient http, TimeProvider time, ILogger<ServiceHealth> logger) : BackgroundService
{
    public static readonly IReadOnlyList<string> Services = PlatformServices.Backends;

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromMilliseconds(800);

    /// <summary>An answer older than this means the probe loop itself stopped: reported as unhealthy, never as healthy.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(5);

    private volatile HealthAnswerBytes _current = HealthAnswerBytes.Build(
        new Dictionary<string, string> { [PlatformServices.Gateway] = "starting: services not asked yet" }, long.MinValue);

    private long _rounds;

    /// <summary>Probe rounds done so far (for tests: at most one a second).</summary>
    public long Rounds => Interlocked.Read(ref _rounds);

    /// <summary>The current answer; a stale one (the loop has stopped) turns into an unhealthy one.</summary>
    public HealthAnswerBytes Current
    {
        get
        {
            var current = _current;
            return current.ComputedAt == long.MinValue || time.GetElapsedTime(current.ComputedAt) < StaleAfter
                ? current
                : HealthAnswerBytes.Stale;
        }
    }

    /// <summary>One probe round: asks every service and publishes the new answer.</summary>
    public async Task ProbeOnceAsync(CancellationToken cancellationToken)
    {
        var results = await Task.WhenAll(Services.Select(service => ProbeAsync(service, cancellationToken)));
        var failing = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parts in results)
        {
            foreach (var (part, problem) in parts)
            {
                failing[part] = problem;
            }
        }

        _current = HealthAnswerBytes.Build(failing, time.GetTimestamp());
        Interlocked.Increment(ref _rounds);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A round that overruns the interval is followed by the next at once (the timer skips the ticks it missed).
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                await ProbeOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogProbeRoundFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Nothing when healthy; otherwise <c>service</c> or <c>service/part</c> with what is wrong.</summary>
    private async Task<List<KeyValuePair<string, string>>> ProbeAsync(string service, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ProbeTimeout);
            using var response = await http.GetAsync(new Uri($"http://{service}/health"), timeout.Token);
            var parts = new List<KeyValuePair<string, string>>();
            try
            {
                var report = await JsonSerializer.DeserializeAsync<ProbedReport>(
                    await response.Content.ReadAsStreamAsync(timeout.Token), Microsoft.Extensions.Hosting.Extensions.WireJson, timeout.Token);
                foreach (var (name, check) in report?.Checks ?? [])
                {
                    if (check?.Status is { } status and not "healthy")
                    {
                        parts.Add(new($"{service}/{name}", string.IsNullOrEmpty(check.Description) ? status : $"{status}: {check.Description}"));
                    }
                }
            }
            catch (JsonException)
            {
                // Not a report of ours: the status code alone decides.
            }

            if (!response.IsSuccessStatusCode && parts.Count == 0)
            {
                parts.Add(new(service, $"unhealthy: status {(int)response.StatusCode}"));
            }

            return parts;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return [new(service, "unreachable")];
        }
    }

    private static void LogProbeRoundFailed(ILogger logger, Exception exception) =>
        logger.LogWarning(exception, "A health probe round failed");

    /// <summary>A service's <c>/health</c> answer (SaasPlatform.ServiceDefaults' HealthReportWriter).</summary>
    private sealed record ProbedReport(Dictionary<string, ProbedCheck?>? Checks);

    private sealed record ProbedCheck(string? Status, string? Description);
}

/// <summary>
/// One serialised answer of <c>GET /health</c>: <c>healthy</c> (200); <c>degraded</c> (200) when only parts that
/// still serve report degraded (a broker the outbox waits for, pending tenant migrations); <c>unhealthy</c> (503)
/// when a service is unreachable or reports a part unhealthy. <c>failing</c> names each part.
/// </summary>
internal sealed record HealthAnswerBytes(int StatusCode, byte[] Body, long ComputedAt)
{
    public static readonly HealthAnswerBytes Stale = Build(
        new Dictionary<string, string> { [PlatformServices.Gateway] = "unhealthy: health probes stopped" }, 0);

    public static HealthAnswerBytes Build(IReadOnlyDictionary<string, string> failing, long computedAt)
    {
        var status = failing.Count == 0 ? "healthy"
            : failing.Values.All(problem => problem.StartsWith("degraded", StringComparison.Ordinal)) ? "degraded"
            : "unhealthy";
        var answer = new HealthAnswer(status, ApiInfo.ServiceName, ApiInfo.Version, failing.Count == 0 ? null : failing);
        return new HealthAnswerBytes(status == "unhealthy" ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK,
            JsonSerializer.SerializeToUtf8Bytes(answer, Microsoft.Extensions.Hosting.Extensions.WireJson), computedAt);
    }

    public Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = StatusCode;
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = Body.Length;
        return response.Body.WriteAsync(Body).AsTask();
    }
}

internal sealed record HealthAnswer(
    string Status,
    string Service,
    string Version,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyDictionary<string, string>? Failing);
