using Tenancy.Api.Commands;
using Tenancy.Api.Provisioning;

if (TenancyCommands.IsCommand(args))
{
    return await TenancyCommands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddTenancyServices();

var app = builder.Build();
app.UseApiEnvelope();
app.UseStartupGate();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapTenancyEndpoints();
await app.RunAsync();
return 0;
