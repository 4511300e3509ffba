using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>Writes a health report as JSON: overall status plus each check, so the gateway can say what failed.</summary>
internal static class HealthReportWriter
{
    public static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status == HealthStatus.Unhealthy ? "unhealthy" : "healthy",
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new { status = e.Value.Status.ToString().ToLowerInvariant(), description = e.Value.Description }),
        };
        return context.Response.WriteAsJsonAsync(body);
    }
}
