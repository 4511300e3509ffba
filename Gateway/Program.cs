using Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();
app.UseApiEnvelope();
app.UseEdgeProtection();
app.UseUploadLimits();
// After routing (in UseApiEnvelope): applies each proxied route's Timeout; the 504 it answers is gateway_timeout.
app.UseRequestTimeouts();
app.MapDefaultEndpoints();
app.MapGatewayEndpoints();
app.Run();
