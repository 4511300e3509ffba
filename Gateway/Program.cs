using Gateway;
using Microsoft.Extensions.DependencyInjection.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddEdgeProtection();
builder.AddUploadLimits();

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
app.MapDefaultEndpoints();
app.MapApiInfo();
app.MapApiDocs();
app.MapReverseProxy(UploadLimits.MapOversizedBodyTo413);

app.Run();
