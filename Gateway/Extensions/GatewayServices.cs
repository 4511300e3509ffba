using Gateway;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.Hosting;

public static class GatewayServices
{
    public static WebApplicationBuilder AddGatewayServices(this WebApplicationBuilder builder)
    {
        builder.AddEdgeProtection();
        builder.AddUploadLimits();

        builder.Services.AddFailFastForwarding();
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
            .AddServiceDiscoveryDestinationResolver();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(nameof(ServiceHealth));
        builder.Services.AddSingleton(services => new ServiceHealth(
            services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ServiceHealth)),
            services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<ServiceHealth>>()));
        builder.Services.AddHostedService(services => services.GetRequiredService<ServiceHealth>());
        return builder;
    }

    public static WebApplication MapGatewayEndpoints(this WebApplication app)
    {
        app.MapApiInfo();
        app.MapApiDocs();
        app.MapReverseProxy(proxy =>
        {
            UploadLimits.MapOversizedBodyTo413(proxy);
            // A destination whose requests fail at the transport is taken out for a while, like one the active check finds down.
            proxy.UsePassiveHealthChecks();
        });
        return app;
    }
}
