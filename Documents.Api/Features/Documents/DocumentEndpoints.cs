using SaasPlatform.TenantData.Access;

namespace Documents.Api.Features.Documents;

public static class DocumentEndpoints
{
    public static IEndpointRouteBuilder MapDocumentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenants/{tenantId}/documents/health", DocumentsHealth.Handle)
            .WithTags("Documents").AllowAnonymous();

        var documents = app.MapGroup("/api/tenants/{tenantId}/documents").WithTags("Documents").RequireTenantMember();
        documents.MapGet("", ListDocuments.HandleAsync);
        // The body is read as a stream by the handler: no form binding, no antiforgery (bearer tokens only).
        documents.MapPost("", UploadDocument.HandleAsync).RequireTenantRole(TenantRole.User)
            .DisableAntiforgery().Accepts<IFormFile>("multipart/form-data");
        documents.MapGet("/{documentId:guid}", GetDocument.HandleAsync);
        documents.MapPut("/{documentId:guid}", UpdateDocument.HandleAsync).RequireTenantRole(TenantRole.User);
        documents.MapDelete("/{documentId:guid}", DeleteDocument.HandleAsync).RequireTenantRole(TenantRole.User);
        documents.MapGet("/{documentId:guid}/download", DownloadDocument.HandleAsync);
        documents.MapGet("/{documentId:guid}/download-url", GetDownloadUrl.HandleAsync);
        return app;
    }
}
