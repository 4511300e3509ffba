namespace Documents.Api.Features.Documents;

public static partial class DownloadDocument
{
    private const int ChunkSize = 64 * 1024;

    /// <remarks>
    /// <c>GET /api/tenants/{tid}/documents/{did}/download</c>: the bytes, streamed from storage in 64 KiB chunks with the
    /// document's type and a Content-Disposition safe for any filename. Any member may download (unlike the original,
    /// it does not matter whether the uploader is still a member). Every download is a <c>document.downloaded</c> audit
    /// event, committed to the tenant's outbox before the first byte leaves; the tenant connection goes back to its pool
    /// when the handler returns, before the (possibly long) transfer.
    /// </remarks>
    public static async Task<Results<DownloadResult, ApiError>> HandleAsync(
        Guid documentId, TenantScope tenant, ObjectStorage storage, OutboxSignal outboxSignal, TimeProvider time,
        ILogger<DownloadResult> logger, CancellationToken cancellationToken)
    {
        var userId = tenant.UserId;
        var db = await tenant.OpenDbAsync(cancellationToken);
        var row = await db.Documents.AsNoTracking().Where(d => d.Id == documentId)
            .Select(d => new { d.Filename, d.MimeType, d.File!.S3Path, d.File.FileSize })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return DocumentErrors.NotFound();
        }

        var stored = await storage.OpenReadAsync(row.S3Path, cancellationToken);
        if (stored is null)
        {
            return ApiError.NotFound("File not found in storage");
        }

        try
        {
            // Recorded before the first byte leaves: no download goes unrecorded (one the client abandons is still an access).
            db.EnqueueAudit(tenant.TenantId, userId, AuditActions.DocumentDownloaded, "document", documentId.ToString(),
                new { filename = row.Filename, file_size = row.FileSize }, time);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch
        {
            stored.Dispose();
            throw;
        }

        outboxSignal.Notify(tenant.DatabaseName);
        var (filename, mimeType, fileSize) = (row.Filename, row.MimeType, row.FileSize);
        LogDownload(logger, userId, tenant.TenantId, documentId, filename);
        return new DownloadResult(stored, filename, mimeType, fileSize);
    }

    [LoggerMessage(LogLevel.Information, "AUDIT: Document downloaded - user_id={UserId}, tenant_id={TenantId}, document_id={DocumentId}, filename={Filename}")]
    private static partial void LogDownload(ILogger logger, Guid userId, Guid tenantId, Guid documentId, string filename);

    /// <summary>Streams an open object to the response with the contract's download headers.</summary>
    public sealed class DownloadResult(StoredObject stored, string filename, string mimeType, long length) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            using var _ = stored;
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = MimeTypes.ServedAs(mimeType);
            response.ContentLength = length;
            response.Headers.ContentDisposition = ContentDispositionHeader.Attachment(filename);
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.XFrameOptions = "DENY";
            response.Headers.CacheControl = "no-store, no-cache, must-revalidate, private";
            response.Headers.Pragma = "no-cache";
            await stored.Content.CopyToAsync(response.Body, ChunkSize, httpContext.RequestAborted);
        }
    }
}
