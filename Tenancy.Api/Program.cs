using SaasPlatform.ServiceDefaults.Auth;
using Tenancy.Api.Data;
using Tenancy.Api.Features.Internal;
using Tenancy.Api.Provisioning;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNpgsqlDbContext<TenancyDbContext>("tenancydb");
builder.AddTenantData();
builder.AddPlatformAuthentication();

builder.Services.AddSingleton<StartupGate>();
builder.Services.AddHealthChecks().AddCheck<StartupGate>("startup");
builder.Services.AddHostedService<TenancyStartup>();

var app = builder.Build();
app.UseApiEnvelope();
app.UseStartupGate();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapInternalEndpoints();
app.Run();
