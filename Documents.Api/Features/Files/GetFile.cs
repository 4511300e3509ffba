namespace Documents.Api.Features.Files;

public static class GetFile
{
    /// <remarks><c>GET /api/files/{tid}/files/{fid}</c>: every column, the document count and the documents themselves.</remarks>
    public static async Task<Results<Ok<SuccessEnvelope<FileDetail>>, ApiError>> HandleAsync(
        Guid fileId, TenantScope tenant, CancellationToken cancellationToken)
    {
        var db = await tenant.OpenDbAsync(cancellationToken);
        var file = await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Id == fileId, cancellationToken);
        if (file is null)
        {
            return FileErrors.NotFound();
        }

        var documents = await db.Documents.AsNoTracking().Where(d => d.FileId == fileId)
            .OrderByDescending(d => d.CreatedAt)
            .Select(d => new FileDocument(d.Id, d.Filename, d.MimeType, d.CreatedAt))
            .ToListAsync(cancellationToken);
        return ApiResults.Ok("File retrieved successfully", FileDetail.From(file, documents.Count) with { Documents = documents });
    }
}

internal static class FileErrors
{
    public static ApiError NotFound() => ApiError.NotFound("File not found");
}
