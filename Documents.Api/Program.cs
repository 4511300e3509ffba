using Documents.Api.Features.Documents;
using Documents.Api.Features.Files;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddPlatformAuthentication();
builder.AddTenancyClient();
builder.AddTenantDbContexts();
builder.AddTenancyChangeFollower();
builder.AddObjectStorage();
builder.AddTenantOutboxRelay();

builder.Services.Configure<UploadOptions>(builder.Configuration.GetSection(UploadOptions.SectionName));

var app = builder.Build();
app.UseApiEnvelope();
app.UseAuthentication();
app.UseAuthorization();

app.MapDefaultEndpoints();
app.MapDocumentEndpoints();
app.MapFileEndpoints();
app.Run();
