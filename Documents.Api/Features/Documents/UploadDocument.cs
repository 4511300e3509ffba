using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Events;

namespace Documents.Api.Features.Documents;

public static partial class UploadDocument
{
    /// <remarks>
    /// <c>POST /api/tenants/{tid}/documents</c> (multipart: <c>file</c>, optional <c>filename</c>, <c>mime_type</c>).
    /// The body is read once as a stream while SHA-256 and MD5 are computed (small files stay in memory, bigger ones are
    /// spooled to a local temporary file), then the file is claimed by its hash (<see cref="FileClaims"/>): only new
    /// bytes are sent to storage, in one PUT to their content-addressed key, and the document, its event and its audit
    /// line commit together (docs/decisions/upload-spooling.md).
    /// </remarks>
    public static async Task<Results<Created<SuccessEnvelope<DocumentWithFile>>, ApiError>> HandleAsync(
        HttpRequest request, TenantScope tenant, ObjectStorage storage, OutboxSignal outboxSignal,
        IOptions<UploadOptions> options, TimeProvider time, ILogger<UploadLog> logger, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var userId = tenant.UserId;

        var maxFileSize = options.Value.MaxFileSizeBytes;
        var maxBody = options.Value.MaxBodyBytes;
        if (request.ContentLength > maxBody)
        {
            return ApiError.PayloadTooLarge(maxFileSize);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = maxBody;
        }

        UploadForm<StagedContent> form;
        try
        {
            form = await UploadForm<StagedContent>.ReadAsync(request,
                (body, ct) => StagedContent.ReadAsync(storage, body, maxFileSize, ct), cancellationToken);
        }
        catch (ContentTooLargeException)
        {
            return ApiError.PayloadTooLarge(maxFileSize);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiError.PayloadTooLarge(maxFileSize);
        }

        await using var content = form.File;
        if (content is null)
        {
            return ApiError.Validation(new Dictionary<string, List<string>> { ["file"] = ["File is required"] }, "File is required");
        }

        if (content.Length == 0)
        {
            return ApiError.Validation(new Dictionary<string, List<string>> { ["file"] = ["File is empty"] }, "File is empty");
        }

        var validation = new Validation();
        var (filename, filenameError) = FileNames.Validate(form.FilenameField ?? form.UploadFileName);
        if (filenameError is not null)
        {
            validation.Add("filename", filenameError);
        }

        var mimeType = MimeTypes.Normalise(form.MimeTypeField ?? form.PartContentType ?? MimeTypes.Default);
        if (mimeType is null)
        {
            validation.Add("mime_type", MimeTypes.InvalidMessage);
        }

        if (!validation.IsValid)
        {
            return validation.ToError();
        }

        var now = time.GetUtcNow();
        var candidate = new StoredFile
        {
            Id = Guid.NewGuid(),
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = userId,
            Md5Hash = content.Md5,
            Sha256Hash = content.Sha256,
            S3Path = StorageKeys.File(tenant.DatabaseName, content.Sha256),
            FileSize = content.Length,
        };

        var db = await tenant.OpenDbAsync(cancellationToken);
        var wroteObject = false;
        try
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var file = await FileClaims.ClaimAsync(db, candidate, cancellationToken);
            if (file.Inserted)
            {
                wroteObject = true;
                await content.WriteToAsync(candidate.S3Path, mimeType!, cancellationToken);
            }

            var document = new Document
            {
                Filename = filename!,
                MimeType = mimeType!,
                FileId = file.Id,
                FileSize = file.FileSize,
                UserId = userId,
                CreatedBy = userId,
                CreatedAt = now,
            };
            db.Documents.Add(document);
            db.EnqueueEvent(Topics.DocumentUploaded, tenant.TenantId, userId, new DocumentUploaded(document.Id, document.Filename,
                document.MimeType, file.Id, file.FileSize, file.S3Path, content.Sha256, file.Md5Hash, !file.Inserted, tenant.DatabaseName), time);
            db.EnqueueAudit(tenant.TenantId, userId, AuditActions.DocumentUploaded, "document", document.Id.ToString(),
                new { filename = document.Filename, file_id = file.Id, file_size = file.FileSize, was_deduplicated = !file.Inserted },
                time);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            outboxSignal.Notify(tenant.DatabaseName);

            LogUploaded(logger, tenant.TenantId, document.Id, file.Id, file.FileSize, !file.Inserted);
            UploadMetrics.Uploaded(file.FileSize, !file.Inserted, time, started);
            var storedFile = new StoredFile
            {
                Id = file.Id,
                Md5Hash = file.Md5Hash,
                Sha256Hash = content.Sha256,
                S3Path = file.S3Path,
                FileSize = file.FileSize,
                CreatedAt = file.CreatedAt,
            };
            return ApiResults.Created($"/api/tenants/{tenant.TenantId}/documents/{document.Id}",
                "Document uploaded successfully", DocumentWithFile.From(document, storedFile));
        }
        catch when (wroteObject)
        {
            await FileClaims.ForgetObjectAsync(db, storage, candidate);
            throw;
        }
    }

    [LoggerMessage(LogLevel.Information, "Document {DocumentId} uploaded to tenant {TenantId}: file {FileId}, {Size} bytes, deduplicated {Deduplicated}")]
    private static partial void LogUploaded(ILogger logger, Guid tenantId, Guid documentId, Guid fileId, long size, bool deduplicated);
}

/// <summary>Log category of uploads.</summary>
public sealed class UploadLog;
