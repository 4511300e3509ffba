using Documents.Api.Features.Documents;
using Documents.Api.Features.Files;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.Storage;

namespace Microsoft.Extensions.Hosting;

public static class DocumentsServices
{
    public static IHostApplicationBuilder AddDocumentsServices(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(); // here too, for the handlers' comments (docs/decisions/openapi-xml-comments.md)
        builder.AddPlatformAuthentication();
        builder.AddTenancyClient();
        builder.AddTenantDbContexts();
        builder.AddObjectStorage();
        builder.AddTenantOutboxRelay();

        builder.Services.Configure<UploadOptions>(builder.Configuration.GetSection(UploadOptions.SectionName));
        return builder;
    }

    public static IEndpointRouteBuilder MapDocumentsEndpoints(this IEndpointRouteBuilder app) =>
        app.MapDocumentEndpoints().MapFileEndpoints();
}
