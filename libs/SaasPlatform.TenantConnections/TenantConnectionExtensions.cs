using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SaasPlatform.ServiceDefaults;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.TenancyClient;
using SaasPlatform.TenantConnections;

namespace Microsoft.Extensions.Hosting;

public static class TenantConnectionExtensions
{
    /// <summary>
    /// Registers the bounded registry of tenant connection pools (<see cref="TenantDataSources"/>) on the tenant servers
    /// (<see cref="TenantServers"/>: <c>ConnectionStrings:postgres</c> and any <c>ConnectionStrings:tenants-&lt;name&gt;</c>),
    /// where each tenant database is (<see cref="TenantDatabaseLocator"/>, from Tenancy.Api's records;
    /// docs/decisions/tenant-placement.md), the list of tenant databases of this platform (<see cref="TenantDatabaseCatalog"/>,
    /// asking Tenancy.Api) and each server's health check. Idempotent.
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

        services.AddSingleton(sp => TenantServers.FromConfiguration(sp.GetRequiredService<IConfiguration>(),
            sp.GetRequiredService<IOptions<TenantConnectionOptions>>().Value.ServerConnectionStringName));
        // With one server nothing is ever looked up; the access check (TenancyClient) notes the servers it is told.
        services.AddHttpClient(nameof(TenantDatabaseLocator)).AddInternalApiKey();
        services.AddSingleton(sp =>
        {
            var http = sp.GetRequiredService<IHttpClientFactory>();
            var access = sp.GetRequiredService<IOptions<TenantAccessOptions>>();
            return new TenantDatabaseLocator(sp.GetRequiredService<TenantServers>().IsSingle,
                (database, cancellationToken) => LookUpServerAsync(http, access.Value, database, cancellationToken));
        });
        services.AddSingleton(sp => new TenantDataSources(sp.GetRequiredService<TenantServers>(), sp.GetRequiredService<TenantDatabaseLocator>(),
            sp.GetRequiredService<IOptions<TenantConnectionOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<TenantDataSources>>()));

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

        return builder;
    }

    /// <summary>Tenancy.Api's record of one database's server; null when it has none (404).</summary>
    private static async Task<string?> LookUpServerAsync(IHttpClientFactory httpClientFactory, TenantAccessOptions options, string database,
        CancellationToken cancellationToken)
    {
        using var http = httpClientFactory.CreateClient(nameof(TenantDatabaseLocator));
        using var response = await http.GetAsync(new Uri(options.TenancyBaseAddress, PlatformServices.Routes.TenantDatabase(database)), cancellationToken);
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
