using Gateway;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaasPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddEdgeProtection();
builder.AddUploadLimits();

builder.Services.AddFailFastForwarding();
// A proxy cluster per backend, named after it and reached through service discovery; first source, so configuration can override it.
builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
{
    InitialData = PlatformServices.Backends.Select(service => KeyValuePair.Create(
        $"ReverseProxy:Clusters:{service}:Destinations:d1:Address", (string?)PlatformServices.Address(service).OriginalString)),
});
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver();
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddHttpClient(nameof(ServiceHealth));
builder.Services.AddSingleton(services => new ServiceHealth(
    services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(ServiceHealth)),
    services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<ServiceHealth>>()));
builder.Services.AddHostedService(services => services.GetRequiredService<ServiceHealth>());

var app = builder.Build();

app.UseApiEnvelope();
app.UseEdgeProtection();
app.UseUploadLimits();
// After routing (in UseApiEnvelope): applies each proxied route's Timeout; the 504 it answers is gateway_timeout.
app.UseRequestTimeouts();
app.MapDefaultEndpoints();
app.MapApiInfo();
app.MapApiDocs();
app.MapReverseProxy(proxy =>
{
    UploadLimits.MapOversizedBodyTo413(proxy);
    // A destination whose requests fail at the transport is taken out for a while, like one the active check finds down.
    proxy.UsePassiveHealthChecks();
});

app.Run();
