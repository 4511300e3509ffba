using Documents.Api.Features.Documents;
using Documents.Api.Features.Files;
using Documents.Api.Outbox;
using Documents.Api.Uploads;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.TenantData.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformAuthentication();
builder.AddTenantData();
builder.AddTenancyChangeFollower();
builder.AddObjectStorage();
builder.AddOutboxPublishing();

builder.Services.Configure<UploadOptions>(builder.Configuration.GetSection(UploadOptions.SectionName));
builder.Services.Configure<TenantOutboxOptions>(builder.Configuration.GetSection(TenantOutboxOptions.SectionName));
builder.Services.AddHostedService<TenantOutboxRelay>();

var app = builder.Build();
app.UseApiEnvelope();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapDocumentEndpoints();
app.MapFileEndpoints();
app.Run();
