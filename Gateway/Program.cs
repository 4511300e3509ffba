using Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver();
builder.Services.AddHttpClient<ServiceHealth>();
builder.AddUploadLimits();

var app = builder.Build();

app.UseApiEnvelope();
app.MapDefaultEndpoints();
app.MapApiInfo();
app.MapReverseProxy();

app.Run();
