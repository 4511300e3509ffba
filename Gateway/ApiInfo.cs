using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gateway;

/// <summary><c>GET /</c> and the aggregate <c>GET /health</c> of decision D14, in the shape the Flask platform used.</summary>
internal static class ApiInfo
{
    public const string ServiceName = "SaaS Multi-Tenant Backend";

    public static readonly string Version =
        typeof(ApiInfo).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "1.0.0";

    public static WebApplication MapApiInfo(this WebApplication app)
    {
        app.MapGet("/", () => TypedResults.Ok(new
        {
            service = ServiceName + " Platform",
            version = Version,
            status = "running",
            documentation = "/api/docs",
            endpoints = new
            {
                health = "/health",
                auth = "/api/auth",
                users = "/api/users",
                tenants = "/api/tenants",
                documents = "/api/tenants/{tenant_id}/documents",
                files = "/api/files",
            },
        }));

        // Overrides the per-process /health of ServiceDefaults: the gateway is healthy only if every service is.
        app.MapGet("/health", async Task<JsonHttpResult<HealthAnswer>> (ServiceHealth health, CancellationToken ct) =>
        {
            var failing = await health.FindUnhealthyAsync(ct);
            return failing.Count == 0
                ? TypedResults.Json(new HealthAnswer("healthy", ServiceName, Version, null))
                : TypedResults.Json(new HealthAnswer("unhealthy", ServiceName, Version, failing), statusCode: 503);
        }).WithOrder(-1);
        return app;
    }
}

internal sealed record HealthAnswer(string Status, string Service, string Version, IReadOnlyDictionary<string, string>? Failing);
