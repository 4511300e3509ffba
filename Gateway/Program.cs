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

app.UseEdgeProtection();
app.UseApiEnvelope();
app.MapDefaultEndpoints();
app.MapApiInfo();
app.MapApiDocs();
app.MapReverseProxy();

app.Run();
