using Events.Worker.Consuming;
using Events.Worker.Data;
using Events.Worker.Features.Audit;
using Events.Worker.Features.Files;
using Events.Worker.Features.Notifications;
using Events.Worker.Features.Tenants;
using Events.Worker.Features.TenantArchives;
using SaasPlatform.Messaging.Database;
using SaasPlatform.Messaging.Handling;
using SaasPlatform.Messaging.Kafka;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;

namespace Microsoft.Extensions.Hosting;

public static class EventsServices
{
    public static IHostApplicationBuilder AddEventsServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(); // here too, for the handlers' comments (docs/decisions/openapi-xml-comments.md)
        builder.AddPlatformAuthentication();
        builder.AddTenancyClient();
        builder.AddTenantDbContexts();

        builder.AddNpgsqlDbContext<EventsDbContext>("eventsdb");
        // Migrations first: hosted services start in registration order, all before the HTTP server.
        builder.AddStartupMigration<EventsDbContext>("eventsdb");

        builder.AddKafkaProducer();
        builder.AddKafkaTopics();
        builder.AddOutboxRelay<EventsDbContext>();

        builder.Services.Configure<EventConsumerOptions>(builder.Configuration.GetSection(EventConsumerOptions.SectionName));
        builder.Services.AddSingleton<ConsumerMetrics>();
        builder.Services.AddSingleton<DeadLetterPublisher>();
        builder.Services.AddSingleton<EventDispatcher>();
        builder.Services.AddScoped<HandlingReport>();
        builder.Services.AddHostedService<EventConsumer>();

        builder.Services.AddEventHandler<StoreAuditRecord>();
        builder.Services.AddEventHandler<VerifyTenantDatabase>();
        builder.Services.AddEventHandler<ForgetDeletedTenant>();
        builder.AddFileHandling(); // Features/Files: content sniffing, orphan collector
        builder.AddEmailDelivery(); // Features/Email: email.requested rendered and sent over SMTP
        builder.AddLiveNotifications(); // Features/Notifications: the SignalR hub and its own Kafka reader
        builder.AddTenantArchives(); // Features/Exports, Features/Imports: tenant export and import
        return builder;
    }

    public static IEndpointRouteBuilder MapEventsEndpoints(this IEndpointRouteBuilder app) =>
        app.MapAuditEndpoints().MapLiveNotifications().MapTenantArchiveEndpoints();
}
