using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tenancy.Api.Provisioning;

/// <summary>
/// Open once start-up work (the tenant template, unfinished provisionings; tenancydb is migrated before) is done.
/// Until then <c>/health</c> is unhealthy and API requests wait for it instead of failing.
/// </summary>
public sealed class StartupGate : IHealthCheck
{
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsOpen => _opened.Task.IsCompletedSuccessfully;

    public void Open() => _opened.TrySetResult();

    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _opened.Task.WaitAsync(timeout, cancellationToken);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(IsOpen ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Start-up migrations are still running"));
}

public static class StartupGateMiddleware
{
    /// <summary>Holds API requests (not health probes) until start-up is done; 503 if that takes too long.</summary>
    public static IApplicationBuilder UseStartupGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var gate = context.RequestServices.GetRequiredService<StartupGate>();
        if (!gate.IsOpen && !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/alive"))
        {
            try
            {
                await gate.WaitAsync(TimeSpan.FromSeconds(30), context.RequestAborted);
            }
            catch (TimeoutException)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }
        }

        await next(context);
    });
}
