using System.Reflection;

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

        // Overrides the per-process /health of ServiceDefaults: the gateway is healthy only if every service is. The
        // answer is computed in the background (ServiceHealth) and written from memory.
        app.MapGet("/health", (HttpContext context, ServiceHealth health) => health.Current.WriteAsync(context.Response))
            .WithOrder(-1)
            .DisableHttpMetrics()
            .Produces<HealthAnswer>()
            .Produces<HealthAnswer>(StatusCodes.Status503ServiceUnavailable);
        return app;
    }
}
