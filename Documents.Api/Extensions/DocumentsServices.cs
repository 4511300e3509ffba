using Documents.Api.Features.Documents;
using Documents.Api.Features.Files;
using Documents.Api.Outbox;
using Documents.Api.Uploads;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.TenantData.Storage;

namespace Microsoft.Extensions.Hosting;

public static class DocumentsServices
{
    public static IHostApplicationBuilder AddDocumentsServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(); // here too, for the handlers' comments (docs/decisions/openapi-xml-comments.md)
        builder.AddPlatformAuthentication();
        builder.AddTenantData();
        builder.AddObjectStorage();
        builder.AddOutboxPublishing();

        builder.Services.Configure<UploadOptions>(builder.Configuration.GetSection(UploadOptions.SectionName));
        builder.Services.Configure<TenantOutboxOptions>(builder.Configuration.GetSection(TenantOutboxOptions.SectionName));
        builder.Services.AddHostedService<TenantOutboxRelay>();
        return builder;
    }

    public static IEndpointRouteBuilder MapDocumentsEndpoints(this IEndpointRouteBuilder app) =>
        app.MapDocumentEndpoints().MapFileEndpoints();
}
