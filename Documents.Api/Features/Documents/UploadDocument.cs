using System.Security.Claims;
using Documents.Api.Uploads;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Audit;
using SaasPlatform.Messaging.Events;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.Storage;
using SaasPlatform.TenancyClient;
using SaasPlatform.TenantSchema;

namespace Documents.Api.Features.Documents;

/// <summary>
/// <c>POST /api/tenants/{tid}/documents</c> (multipart: <c>file</c>, optional <c>filename</c>, <c>mime_type</c>).
/// The body is read once as a stream while SHA-256 and MD5 are computed (small files stay in memory, bigger ones are
/// spooled to a local temporary file), then the file is claimed by its hash (<see cref="FileClaims"/>): only new
/// bytes are sent to storage, in one PUT to their content-addressed key, and the document, its event and its audit
/// line commit together (docs/decisions/upload-spooling.md).
/// </summary>
public static partial class UploadDocument
{
    public static async Task<Results<Created<SuccessEnvelope<DocumentWithFile>>, ApiError>> HandleAsync(
        string tenantId, HttpRequest request, ClaimsPrincipal user, TenantAccessChecker checker, TenantDbContextFactory tenants,
        ObjectStorage storage, OutboxSignal outboxSignal, IOptions<UploadOptions> options, TimeProvider time,
        ILogger<UploadLog> logger, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        var userId = user.UserId();
        var access = await checker.RequireAsync(tenantId, userId, TenantRole.User, cancellationToken);
        if (access.Failed(out var error))
        {
            return error;
        }

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
            S3Path = StorageKeys.File(access.DatabaseName, content.Sha256),
            FileSize = content.Length,
        };

        await using var db = await tenants.CreateDbContextAsync(access.DatabaseName, cancellationToken);
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
                UserId = userId,
                CreatedBy = userId,
                CreatedAt = now,
            };
            db.Documents.Add(document);
            db.EnqueueEvent(Topics.DocumentUploaded, access.TenantId, userId, new DocumentUploaded(document.Id, document.Filename,
                document.MimeType, file.Id, file.FileSize, file.S3Path, content.Sha256, file.Md5Hash, !file.Inserted, access.DatabaseName), time);
            db.EnqueueAudit(access.TenantId, userId, AuditActions.DocumentUploaded, "document", document.Id.ToString(),
                new { filename = document.Filename, file_id = file.Id, file_size = file.FileSize, was_deduplicated = !file.Inserted },
                time);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            outboxSignal.Notify(access.DatabaseName);

            LogUploaded(logger, access.TenantId, document.Id, file.Id, file.FileSize, !file.Inserted);
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
            return ApiResults.Created($"/api/tenants/{access.TenantId}/documents/{document.Id}",
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
