using Events.Worker.Consuming;
using Events.Worker.Data;
using Events.Worker.Features.Audit;
using Events.Worker.Features.Files;
using Events.Worker.Features.Tenants;
using SaasPlatform.Messaging.Database;
using SaasPlatform.Messaging.Handling;
using SaasPlatform.Messaging.Kafka;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformAuthentication();
builder.AddTenancyClient();
builder.AddTenantDbContexts();
builder.AddTenancyChangeFollower();

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

var app = builder.Build();
app.UseApiEnvelope();
app.UseAuthentication();
app.UseAuthorization();
app.MapDefaultEndpoints();

app.MapGroup("/api/tenants").MapGetTenantAudit();
// Operators only: the internal key, and the gateway never routes /internal (docs/decisions/security-log.md).
app.MapGroup("/internal").RequireInternalCaller().MapGetSecurityLog().ExcludeFromDescription();

app.Run();
