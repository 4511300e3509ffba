using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using SaasPlatform.ServiceDefaults.Http;

namespace Gateway;

/// <summary>
/// What the public edge adds in front of the services: forwarded headers from configured proxies only, CORS from
/// configuration, per-client-address rate limits (stricter on authentication), and security headers.
/// </summary>
internal static class EdgeProtection
{
    public const string CorsPolicy = "platform";
    public const string AuthRateLimitPolicy = "auth";

    public static WebApplicationBuilder AddEdgeProtection(this WebApplicationBuilder builder)
    {
        var config = builder.Configuration;

        // X-Forwarded-For only from the configured proxies (an ingress, a load balancer); see ClientAddresses.
        builder.AddTrustedProxies();

        builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy => policy
            .WithOrigins(config.GetSection("Cors:Origins").Get<string[]>() ?? ["http://localhost:3000"])
            .WithMethods("GET", "POST", "PUT", "DELETE", "OPTIONS")
            .WithHeaders("Content-Type", "Authorization")
            .AllowCredentials()
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));

        var global = config.GetSection("RateLimits:Global").Get<RateLimitSettings>() ?? new RateLimitSettings(1000, TimeSpan.FromSeconds(10));
        var auth = config.GetSection("RateLimits:Auth").Get<RateLimitSettings>() ?? new RateLimitSettings(30, TimeSpan.FromMinutes(1));
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => global.ToOptions()));
            limiter.AddPolicy(AuthRateLimitPolicy, context =>
                RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => auth.ToOptions()));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    rejected.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                await new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited, "Too many requests, retry later")
                    .ExecuteAsync(rejected.HttpContext);
            };
        });
        return builder;
    }

    public static WebApplication UseEdgeProtection(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.Use((context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            return next(context);
        });
        app.UseCors(CorsPolicy);
        app.UseRateLimiter();
        return app;
    }

    /// <summary>
    /// The rate-limit partition: the client's address (from a trusted proxy's X-Forwarded-For), IPv6 by /64 as
    /// Identity does. Each gateway replica counts on its own (README, "Rate limits across replicas").
    /// </summary>
    private static string ClientAddress(HttpContext context) => ClientAddresses.PartitionKey(context.Connection.RemoteIpAddress);

    private sealed record RateLimitSettings(int PermitLimit, TimeSpan Window)
    {
        public FixedWindowRateLimiterOptions ToOptions() => new()
        {
            PermitLimit = PermitLimit,
            Window = Window,
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }
}
