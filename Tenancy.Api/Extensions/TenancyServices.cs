using SaasPlatform.Messaging.Changes;
using SaasPlatform.Messaging.Database;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;
using Tenancy.Api.Data;
using Tenancy.Api.Features.Internal;
using Tenancy.Api.Features.Invitations;
using Tenancy.Api.Features.Tenants;
using Tenancy.Api.Provisioning;

namespace Microsoft.Extensions.Hosting;

public static class TenancyServices
{
    public static IHostApplicationBuilder AddTenancyServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(); // here too, for the handlers' comments (docs/decisions/openapi-xml-comments.md)
        builder.AddNpgsqlDbContext<TenancyDbContext>("tenancydb");
        builder.AddStartupMigration<TenancyDbContext>("tenancydb");
        builder.AddOutboxRelay<TenancyDbContext>();
        // Tenants and memberships are served from memory until their rows change (docs/decisions/cache-invalidation.md).
        builder.AddChangeFeed<TenancyDbContext>("tenancydb", TenantCache.Payload);
        builder.Services.AddSingleton<TenantCache>();
        builder.AddInvitations();
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
        return builder;
    }

    public static IEndpointRouteBuilder MapTenancyEndpoints(this IEndpointRouteBuilder app) =>
        app.MapInternalEndpoints().MapTenantEndpoints().MapInvitationEndpoints();
}
