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
    /// (<see cref="TenantDataSources"/>) on the tenant servers (<see cref="TenantServers"/>: <c>ConnectionStrings:postgres</c>
    /// and any <c>ConnectionStrings:tenants-&lt;name&gt;</c>), the list of this platform's tenant databases
    /// (<see cref="TenantDatabaseCatalog"/>) and the cached tenant access check (<see cref="TenantAccessChecker"/>,
    /// asking Tenancy.Api, which also says which server holds a tenant's database).
    /// </summary>
    public static IHostApplicationBuilder AddTenantData(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.Configure<TenantConnectionOptions>(builder.Configuration.GetSection(TenantConnectionOptions.SectionName));
        services.Configure<TenantAccessOptions>(builder.Configuration.GetSection(TenantAccessOptions.SectionName));

        // The servers of tenant databases: main (ConnectionStrings:postgres) and any ConnectionStrings:tenants-<name>
        // (docs/decisions/tenant-placement.md); a database's server comes from its tenant's record in Tenancy.Api.
        services.AddSingleton(sp => TenantServers.FromConfiguration(sp.GetRequiredService<IConfiguration>(),
            sp.GetRequiredService<IOptions<TenantConnectionOptions>>().Value.ServerConnectionStringName));
        services.AddHttpClient(nameof(TenantDatabaseLocator)).AddInternalApiKey();
        services.AddSingleton(sp =>
        {
            var http = sp.GetRequiredService<IHttpClientFactory>();
            var access = sp.GetRequiredService<IOptions<TenantAccessOptions>>();
            return new TenantDatabaseLocator(sp.GetRequiredService<TenantServers>(),
                (database, cancellationToken) => LookUpServerAsync(http, access.Value, database, cancellationToken));
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<TenantConnectionOptions>>().Value;
            // Where the service publishes events (AddOutboxPublishing), tenant contexts signal their commits to it.
            IInterceptor[] interceptors = sp.GetService<OutboxCommitInterceptor>() is { } outbox ? [outbox] : [];
            return new TenantDataSources(sp.GetRequiredService<TenantDatabaseLocator>(), options, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<TenantDataSources>>(), interceptors);
        });

        services.AddHostedService<TenantDataWarmUp>();

        services.TryAddSingleton<SweepMetrics>();
        services.AddHttpClient(nameof(TenantDatabaseCatalog)).AddInternalApiKey();
        services.AddSingleton<TenantDatabaseCatalog>();
        // Each tenant server, as this service's login reaches it: /health names a database outage. Main keeps the
        // check's old name; the others are tenant-server-<name>.
        foreach (var server in TenantServers.ConfiguredNames(builder.Configuration))
        {
            services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration(
                server == TenantServers.Main ? "tenant-server" : $"tenant-server-{server}",
                sp => new TenantServerHealthCheck(sp.GetRequiredService<TenantServers>().ConnectionString(server)),
                failureStatus: null, tags: null));
        }

        // One checker per process: its cache must be shared by every request.
        services.AddHttpClient(nameof(TenantAccessChecker)).AddInternalApiKey();
        services.AddSingleton<TenantAccessChecker>();
        return builder;
    }

    /// <summary>Tenancy.Api's record of one database's server; null when it has none (404).</summary>
    private static async Task<string?> LookUpServerAsync(IHttpClientFactory httpClientFactory, TenantAccessOptions options, string database,
        CancellationToken cancellationToken)
    {
        using var http = httpClientFactory.CreateClient(nameof(TenantDatabaseLocator));
        using var response = await http.GetAsync(new Uri(options.TenancyBaseAddress, $"/internal/tenant-databases/{Uri.EscapeDataString(database)}"),
            cancellationToken);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var location = await System.Net.Http.Json.HttpContentJsonExtensions.ReadFromJsonAsync<TenantDatabaseLocation>(response.Content,
            Extensions.WireJson, cancellationToken);
        return location?.Server;
    }
}
