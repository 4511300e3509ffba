namespace Documents.Api.Features.Documents;

public static class GetDocument
{
    /// <remarks><c>GET /api/tenants/{tid}/documents/{did}</c>: the document with its file.</remarks>
    public static async Task<Results<Ok<SuccessEnvelope<DocumentWithFile>>, ApiError>> HandleAsync(
        Guid documentId, TenantScope tenant, CancellationToken cancellationToken)
    {
        var db = await tenant.OpenDbAsync(cancellationToken);
        var document = await db.Documents.AsNoTracking().Include(d => d.File)
            .FirstOrDefaultAsync(d => d.Id == documentId, cancellationToken);
        return document is null
            ? DocumentErrors.NotFound()
            : ApiResults.Ok("Document retrieved successfully", DocumentWithFile.From(document, document.File!));
    }
}

internal static class DocumentErrors
{
    public static ApiError NotFound() => ApiError.NotFound("Document not found");
}
