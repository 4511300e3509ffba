using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.TenantConnections;
using SaasPlatform.TenantSchema;

namespace Microsoft.Extensions.Hosting;

public static class TenantSchemaExtensions
{
    /// <summary>
    /// Registers what a service needs to work in tenant databases: the tenant connections
    /// (<see cref="TenantConnectionExtensions.AddTenantConnections"/>) and <see cref="TenantDbContextFactory"/>, whose
    /// model is built while the host starts.
    /// </summary>
    public static IHostApplicationBuilder AddTenantDbContexts(this IHostApplicationBuilder builder)
    {
        builder.AddTenantConnections();
        builder.Services.AddSingleton(sp =>
        {
            // Where the service publishes events (AddOutboxPublishing), tenant contexts signal their commits to it.
            IInterceptor[] interceptors = sp.GetService<OutboxCommitInterceptor>() is { } outbox ? [outbox] : [];
            return new TenantDbContextFactory(sp.GetRequiredService<TenantDataSources>(), interceptors, sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddHostedService<TenantDbContextWarmUp>();
        return builder;
    }
}
