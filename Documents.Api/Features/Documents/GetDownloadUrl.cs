using System.Globalization;
using SaasPlatform.TenancyClient;

namespace Documents.Api.Features.Documents;

public static partial class GetDownloadUrl
{
    /// <remarks>
    /// <c>GET /api/tenants/{tid}/documents/{did}/download-url?expires_in=</c>: a presigned GET signed for the public
    /// storage endpoint (never a rewritten host), carrying the safe Content-Disposition and the document's type.
    /// <c>expires_in</c> (60..86400, default 3600) is checked before the tenant, as in the original: it is validated while
    /// binding (<see cref="ExpiresIn"/>), which comes before the tenant access filter.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<DownloadUrlData>>, ApiError>> HandleAsync(
        Guid documentId, ExpiresIn expiresIn, TenantScope tenant, ObjectStorage storage, OutboxSignal outboxSignal,
        TimeProvider time, ILogger<DownloadUrlData> logger, CancellationToken cancellationToken)
    {
        var seconds = expiresIn.Seconds;
        var userId = tenant.UserId;
        var db = await tenant.OpenDbAsync(cancellationToken);
        var row = await db.Documents.AsNoTracking().Where(d => d.Id == documentId)
            .Select(d => new { d.Filename, d.MimeType, d.File!.S3Path, d.File.FileSize })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return DocumentErrors.NotFound();
        }

        var (url, expiresAt) = await storage.PresignGetAsync(row.S3Path, TimeSpan.FromSeconds(seconds),
            ContentDispositionHeader.Attachment(row.Filename), MimeTypes.ServedAs(row.MimeType));

        db.EnqueueAudit(tenant.TenantId, userId, AuditActions.DownloadUrlIssued, "document", documentId.ToString(),
            new { filename = row.Filename, expires_in = seconds }, time);
        await db.SaveChangesAsync(cancellationToken);
        outboxSignal.Notify(tenant.DatabaseName);
        LogIssued(logger, userId, tenant.TenantId, documentId, row.Filename, seconds, tenant.Role.ToWire());

        return ApiResults.Ok("Download URL generated successfully", new DownloadUrlData(
            url.AbsoluteUri, seconds, expiresAt.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            row.Filename, row.MimeType, row.FileSize));
    }

    [LoggerMessage(LogLevel.Information, "AUDIT: Download URL generated - user_id={UserId}, tenant_id={TenantId}, document_id={DocumentId}, filename={Filename}, expires_in={ExpiresIn}s, role={Role}")]
    private static partial void LogIssued(ILogger logger, Guid userId, Guid tenantId, Guid documentId, string filename, int expiresIn, string role);
}

/// <summary>The <c>expires_in</c> query parameter in seconds; a bad value answers 400 before any other check.</summary>
public readonly record struct ExpiresIn(int Seconds)
{
    public const int Default = 3600;
    public const int Min = 60;
    public const int Max = 86400;
    public const string Message = "expires_in must be between 60 and 86400 seconds (1 min to 24 hours)";

    public static ValueTask<ExpiresIn> BindAsync(HttpContext context)
    {
        string? raw = context.Request.Query["expires_in"];
        var seconds = Default;
        if (!string.IsNullOrWhiteSpace(raw)
            && (!int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out seconds) || seconds is < Min or > Max))
        {
            throw new ApiException(ApiError.Validation(new Dictionary<string, List<string>> { ["expires_in"] = [Message] }, Message));
        }

        return ValueTask.FromResult(new ExpiresIn(seconds));
    }
}

public sealed record DownloadUrlData(string DownloadUrl, int ExpiresIn, string ExpiresAt, string Filename, string MimeType, long FileSize);
