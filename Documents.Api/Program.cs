var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

var app = builder.Build();
app.UseApiEnvelope();
app.MapDefaultEndpoints();
app.Run();
