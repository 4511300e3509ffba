using Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddEdgeProtection();
builder.AddUploadLimits();

builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver();
builder.Services.AddHttpClient<ServiceHealth>();

var app = builder.Build();

app.UseApiEnvelope();
app.UseEdgeProtection();
app.UseUploadLimits();
app.MapDefaultEndpoints();
app.MapApiInfo();
app.MapApiDocs();
app.MapReverseProxy(UploadLimits.MapOversizedBodyTo413);

app.Run();
