using SaasPlatform.Messaging.Changes;
using SaasPlatform.Messaging.Database;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;
using Tenancy.Api.Commands;
using Tenancy.Api.Data;
using Tenancy.Api.Features.Internal;
using Tenancy.Api.Features.Tenants;
using Tenancy.Api.Provisioning;

if (TenancyCommands.IsCommand(args))
{
    return await TenancyCommands.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddNpgsqlDbContext<TenancyDbContext>("tenancydb");
builder.AddStartupMigration<TenancyDbContext>("tenancydb");
builder.AddOutboxRelay<TenancyDbContext>();
// Tenants and memberships are served from memory until their rows change (docs/decisions/cache-invalidation.md).
builder.AddChangeFeed<TenancyDbContext>("tenancydb", TenantCache.Payload);
builder.Services.AddSingleton<TenantCache>();
builder.AddTenantDbContexts();
builder.AddPlatformAuthentication();

builder.AddTenantProvisioning();
builder.Services.AddScoped<ProvisioningRecovery>();
builder.Services.AddSingleton<StartupGate>();
builder.Services.AddSingleton<PendingTenantMigrationsCheck>();
builder.Services.AddHealthChecks()
    .AddCheck<StartupGate>("startup")
    .AddCheck<PendingTenantMigrationsCheck>("tenant-migrations", failureStatus: Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Degraded);
builder.Services.AddHostedService<TenancyStartup>();

var app = builder.Build();
app.UseApiEnvelope();
app.UseStartupGate();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapInternalEndpoints();
app.MapTenantEndpoints();
await app.RunAsync();
return 0;
