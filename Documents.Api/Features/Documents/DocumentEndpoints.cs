using SaasPlatform.TenancyClient;
using SaasPlatform.TenantSchema;

namespace Documents.Api.Features.Documents;

public static class DocumentEndpoints
{
    public static IEndpointRouteBuilder MapDocumentEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/tenants/{tenantId}/documents/health", DocumentsHealth.Handle)
            .WithTags("Documents").AllowAnonymous()
            .WithName("DocumentsHealth").WithSummary("Documents API health (no auth; echoes the tenant id)");

        var documents = app.MapGroup("/api/tenants/{tenantId}/documents").WithTags("Documents").RequireTenantMember();
        documents.MapGet("", ListDocuments.HandleAsync)
            .WithName("ListDocuments").WithSummary("A tenant's documents, paged, filtered (filename, mime_type, size, upload date, uploader) and sorted");
        // The body is read as a stream by the handler: no form binding, no antiforgery (bearer tokens only).
        documents.MapPost("", UploadDocument.HandleAsync).RequireTenantRole(TenantRole.User)
            .DisableAntiforgery().Accepts<IFormFile>("multipart/form-data")
            .WithName("UploadDocument").WithSummary("Upload a document (multipart: file, optional filename and mime_type)");
        documents.MapGet("/{documentId:guid}", GetDocument.HandleAsync)
            .WithName("GetDocument").WithSummary("A document with its file");
        documents.MapPut("/{documentId:guid}", UpdateDocument.HandleAsync).RequireTenantRole(TenantRole.User)
            .WithName("UpdateDocument").WithSummary("Rename a document or change its type");
        documents.MapDelete("/{documentId:guid}", DeleteDocument.HandleAsync).RequireTenantRole(TenantRole.User)
            .WithName("DeleteDocument").WithSummary("Delete a document (users their own, admins any)");
        documents.MapGet("/{documentId:guid}/download", DownloadDocument.HandleAsync)
            .WithName("DownloadDocument").WithSummary("The document's bytes");
        documents.MapPost("/bulk-delete", BulkDeleteDocuments.HandleAsync).RequireTenantRole(TenantRole.User)
            .WithName("BulkDeleteDocuments").WithSummary("Delete up to 1,000 documents, with a result per id");
        documents.MapPost("/zip", DownloadDocumentsZip.HandleAsync).Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .WithName("DownloadDocumentsZip").WithSummary("Up to 1,000 documents as one streamed ZIP");
        documents.MapGet("/{documentId:guid}/download-url", GetDownloadUrl.HandleAsync)
            .WithName("GetDownloadUrl").WithSummary("A presigned download URL valid for expires_in seconds");
        return app;
    }
}
