var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddEventsServices();

var app = builder.Build();
app.UseApiEnvelope();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapEventsEndpoints();
app.Run();
