using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.TenantData.Access;
using SaasPlatform.TenantData.Connections;

namespace Microsoft.Extensions.Hosting;

public static class TenantDataExtensions
{
    /// <summary>
    /// Registers what a service needs to serve tenant data: the bounded registry of tenant connection pools
    /// (<see cref="TenantDataSources"/>, on the server named by <c>ConnectionStrings:postgres</c>), the list of tenant
    /// databases of this platform on that server (<see cref="TenantDatabaseCatalog"/>) and the cached tenant access check
    /// (<see cref="TenantAccessChecker"/>, asking Tenancy.Api).
    /// </summary>
    public static IHostApplicationBuilder AddTenantData(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<TenantConnectionOptions>(builder.Configuration.GetSection(TenantConnectionOptions.SectionName));
        services.Configure<TenantAccessOptions>(builder.Configuration.GetSection(TenantAccessOptions.SectionName));

        // The servers of tenant databases: main (ConnectionStrings:postgres) and any ConnectionStrings:tenants-<name>.
        services.AddSingleton(sp => TenantServers.FromConfiguration(sp.GetRequiredService<IConfiguration>(),
            sp.GetRequiredService<IOptions<TenantConnectionOptions>>().Value.ServerConnectionStringName));
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TenantConnectionOptions>>().Value;
            var connectionString = ServerConnectionString(sp, options);
            // Where the service publishes events (AddOutboxPublishing), tenant contexts signal their commits to it.
            IInterceptor[] interceptors = sp.GetService<OutboxCommitInterceptor>() is { } outbox ? [outbox] : [];
            return new TenantDataSources(connectionString, options, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<TenantDataSources>>(), interceptors);
        });

        services.AddHostedService<TenantDataWarmUp>();

        services.TryAddSingleton<SweepMetrics>();
        services.AddHttpClient(nameof(TenantDatabaseCatalog)).AddInternalApiKey();
        services.AddSingleton(sp => new TenantDatabaseCatalog(
            ServerConnectionString(sp, sp.GetRequiredService<IOptions<TenantConnectionOptions>>().Value),
            sp.GetRequiredService<IHttpClientFactory>(), sp.GetRequiredService<IOptions<TenantAccessOptions>>()));
        // The tenant databases' server, as this service's login reaches it: /health names a database outage.
        services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration("tenant-server",
            sp => new TenantServerHealthCheck(ServerConnectionString(sp, sp.GetRequiredService<IOptions<TenantConnectionOptions>>().Value)),
            failureStatus: null, tags: null));

        // One checker per process: its cache must be shared by every request.
        services.AddHttpClient(nameof(TenantAccessChecker)).AddInternalApiKey();
        services.AddSingleton<TenantAccessChecker>();
        return builder;
    }

    private static string ServerConnectionString(IServiceProvider services, TenantConnectionOptions options) =>
        services.GetRequiredService<IConfiguration>().GetConnectionString(options.ServerConnectionStringName)
        ?? throw new InvalidOperationException($"ConnectionStrings:{options.ServerConnectionStringName} (the PostgreSQL server of tenant databases) is not configured");
}
