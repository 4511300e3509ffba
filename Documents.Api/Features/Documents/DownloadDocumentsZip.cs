using System.IO.Compression;
using System.Text.Json;

namespace Documents.Api.Features.Documents;

public static partial class DownloadDocumentsZip
{
    private const int ChunkSize = 64 * 1024;

    public sealed record Entry(Guid DocumentId, string Name, string S3Path, DateTimeOffset UpdatedAt);

    /// <remarks>
    /// <c>POST /api/tenants/{tid}/documents/zip</c>, JSON <c>{"document_ids": [...]}</c> (1 to 1,000 ids; any member):
    /// one ZIP of the documents, in the order given, each under its filename (repeats become <c>name (2).ext</c>). The
    /// archive is written straight to the response while each object streams from storage, one after the other, so
    /// memory stays bounded whatever the sizes. An id that is not a document of this tenant makes it a 404 listing the
    /// missing ids, before anything is sent. Every document is a <c>document.downloaded</c> audit record (with
    /// <c>archive: true</c>), committed before the first byte leaves, as for a single download.
    /// </remarks>
    public static async Task<Results<ZipResult, ApiError>> HandleAsync(
        JsonElement body, TenantScope tenant, ObjectStorage storage, OutboxSignal outboxSignal, TimeProvider time,
        ILogger<ZipResult> logger, CancellationToken cancellationToken)
    {
        var (parsed, error) = DocumentIdList.Parse(body);
        if (error is not null)
        {
            return error;
        }

        var ids = parsed!;

        var db = await tenant.OpenDbAsync(cancellationToken);
        var rows = await db.Documents.AsNoTracking().Where(d => ids.Contains(d.Id))
            .Select(d => new { d.Id, d.Filename, d.File!.S3Path, d.File.FileSize, d.UpdatedAt })
            .ToDictionaryAsync(d => d.Id, cancellationToken);
        var missing = ids.Where(id => !rows.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            return new ApiError(StatusCodes.Status404NotFound, ErrorCodes.NotFound, "Some documents were not found",
                new Dictionary<string, List<Guid>> { [DocumentIdList.Field] = missing });
        }

        var names = new ZipEntryNames();
        var entries = new List<Entry>(ids.Count);
        foreach (var id in ids)
        {
            var row = rows[id];
            entries.Add(new Entry(id, names.Next(row.Filename), row.S3Path, row.UpdatedAt));
            db.EnqueueAudit(tenant.TenantId, tenant.UserId, AuditActions.DocumentDownloaded, "document", id.ToString(),
                new { filename = row.Filename, file_size = row.FileSize, archive = true }, time);
        }

        await db.SaveChangesAsync(cancellationToken);
        outboxSignal.Notify(tenant.DatabaseName);
        LogArchive(logger, tenant.UserId, tenant.TenantId, entries.Count);
        return new ZipResult(entries, storage, logger);
    }

    [LoggerMessage(LogLevel.Information, "AUDIT: Documents downloaded as a ZIP - user_id={UserId}, tenant_id={TenantId}, documents={Count}")]
    private static partial void LogArchive(ILogger logger, Guid userId, Guid tenantId, int count);

    [LoggerMessage(LogLevel.Error, "ZIP download aborted: object {Key} of document {DocumentId} is missing from storage")]
    private static partial void LogMissingObject(ILogger logger, string key, Guid documentId);

    /// <summary>Writes the archive to the response as the objects stream in (no seeking, no buffering of the archive).</summary>
    public sealed class ZipResult(IReadOnlyList<Entry> entries, ObjectStorage storage, ILogger logger) : IResult
    {
        public IReadOnlyList<Entry> Entries => entries;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            var aborted = httpContext.RequestAborted;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/zip";
            response.Headers.ContentDisposition = ContentDispositionHeader.Attachment("documents.zip");
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers.CacheControl = "no-store, no-cache, must-revalidate, private";
            response.Headers.Pragma = "no-cache";

            // The response body cannot seek: entries get data descriptors, and each is written as it is read.
            await using var output = new SyncWriteBuffer(response.Body);
            await using (var archive = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true,
                             entryNameEncoding: null, aborted))
            {
                foreach (var entry in entries)
                {
                    using var stored = await storage.OpenReadAsync(entry.S3Path, aborted);
                    if (stored is null)
                    {
                        // The status line is gone: cut the connection so the client sees a failed download, never an
                        // archive silently missing a document.
                        LogMissingObject(logger, entry.S3Path, entry.DocumentId);
                        httpContext.Abort();
                        return;
                    }

                    var zipEntry = archive.CreateEntry(entry.Name, CompressionLevel.Fastest);
                    if (entry.UpdatedAt.Year is >= 1980 and < 2108)
                    {
                        zipEntry.LastWriteTime = entry.UpdatedAt;
                    }

                    await using (var target = await zipEntry.OpenAsync(aborted))
                    {
                        await stored.Content.CopyToAsync(target, ChunkSize, aborted);
                    }

                    await output.DrainAsync(aborted);
                }
            }

            await output.DrainAsync(aborted);
        }
    }
}
