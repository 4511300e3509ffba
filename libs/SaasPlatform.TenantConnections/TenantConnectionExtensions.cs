using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.TenancyClient;
using SaasPlatform.TenantConnections;

namespace Microsoft.Extensions.Hosting;

public static class TenantConnectionExtensions
{
    /// <summary>
    /// Registers the bounded registry of tenant connection pools (<see cref="TenantDataSources"/>, on the server named
    /// by <c>ConnectionStrings:postgres</c>), the list of tenant databases of this platform on that server
    /// (<see cref="TenantDatabaseCatalog"/>, asking Tenancy.Api) and the server's health check. Idempotent.
    /// </summary>
    public static IHostApplicationBuilder AddTenantConnections(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        if (services.Any(s => s.ServiceType == typeof(TenantDataSources)))
        {
            return builder;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.Configure<TenantConnectionOptions>(builder.Configuration.GetSection(TenantConnectionOptions.SectionName));
        services.Configure<TenantAccessOptions>(builder.Configuration.GetSection(TenantAccessOptions.SectionName));

        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TenantConnectionOptions>>().Value;
            return new TenantDataSources(ServerConnectionString(sp, options), options, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<TenantDataSources>>());
        });

        services.TryAddSingleton<SweepMetrics>();
        services.AddHttpClient(nameof(TenantDatabaseCatalog)).AddInternalApiKey();
        services.AddSingleton(sp => new TenantDatabaseCatalog(
            ServerConnectionString(sp, sp.GetRequiredService<IOptions<TenantConnectionOptions>>().Value),
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<IOptions<TenantAccessOptions>>()));
        // The tenant databases' server, as this service's login reaches it: /health names a database outage.
        services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration("tenant-server",
            sp => new TenantServerHealthCheck(ServerConnectionString(sp, sp.GetRequiredService<IOptions<TenantConnectionOptions>>().Value)),
            failureStatus: null, tags: null));
        return builder;
    }

    private static string ServerConnectionString(IServiceProvider services, TenantConnectionOptions options) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString(options.ServerConnectionStringName)
        ?? throw new InvalidOperationException($"ConnectionStrings:{options.ServerConnectionStringName} (the PostgreSQL server of tenant databases) is not configured");
}
