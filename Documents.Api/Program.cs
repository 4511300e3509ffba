var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDocumentsServices();

var app = builder.Build();
app.UseApiEnvelope();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapDocumentsEndpoints();
app.Run();
