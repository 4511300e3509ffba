using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using SaasPlatform.Messaging.Kafka;

namespace SaasPlatform.Messaging.Outbox;

public static class OutboxRelayExtensions
{
    /// <summary>
    /// The pieces every service that enqueues events needs: the Kafka producer, <see cref="OutboxPublisher"/>,
    /// <see cref="OutboxSignal"/> and <see cref="OutboxCommitInterceptor"/>. Idempotent. Where outbox rows go to
    /// tenant databases, <see cref="AddTenantOutboxRelay"/> adds their relay.
    /// </summary>
    public static IHostApplicationBuilder AddOutboxPublishing(this IHostApplicationBuilder builder)
    {
        builder.AddKafkaProducer();
        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.TryAddSingleton<OutboxCommitInterceptor>();
        builder.Services.TryAddSingleton<OutboxMetrics>();
        builder.Services.TryAddSingleton<OutboxPublisher>();
        return builder;
    }

    /// <summary>
    /// Publishes the outbox of <typeparamref name="TDbContext"/>'s database (a service's own database) in the
    /// background, and adds <see cref="OutboxCommitInterceptor"/> to that context so a commit wakes the relay at once.
    /// Call it after (or before) <c>AddNpgsqlDbContext&lt;TDbContext&gt;</c>; the model needs <c>AddOutbox()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddOutboxRelay<TDbContext>(this IHostApplicationBuilder builder,
        Action<OutboxRelayOptions>? configure = null)
        where TDbContext : DbContext
    {
        builder.AddOutboxPublishing();
        var options = builder.Services.AddOptions<OutboxRelayOptions>().BindConfiguration("Outbox");
        if (configure is not null)
        {
            options.Configure(configure);
        }

        builder.Services.ConfigureDbContext<TDbContext>(
            (sp, db) => db.AddInterceptors(sp.GetRequiredService<OutboxCommitInterceptor>()),
            ServiceLifetime.Singleton);
        builder.Services.AddHostedService<OutboxRelay<TDbContext>>();
        return builder;
    }

    /// <summary>
    /// Publishes the outboxes of the tenant databases this service writes to (<see cref="TenantOutboxRelay"/>),
    /// configured from <c>TenantOutbox</c>.
    /// </summary>
    public static IHostApplicationBuilder AddTenantOutboxRelay(this IHostApplicationBuilder builder)
    {
        builder.AddOutboxPublishing();
        builder.AddTenantConnections();
        builder.Services.Configure<TenantOutboxOptions>(builder.Configuration.GetSection(TenantOutboxOptions.SectionName));
        builder.Services.AddHostedService<TenantOutboxRelay>();
        return builder;
    }
}
