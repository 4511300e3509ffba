using System.Globalization;
using System.Security.Claims;
using Documents.Api.Uploads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.Messaging.Audit;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.Storage;
using SaasPlatform.TenancyClient;
using SaasPlatform.TenantSchema;

namespace Documents.Api.Features.Documents;

/// <summary>
/// <c>GET /api/tenants/{tid}/documents/{did}/download-url?expires_in=</c>: a presigned GET signed for the public
/// storage endpoint (never a rewritten host), carrying the safe Content-Disposition and the document's type.
/// <c>expires_in</c> (60..86400, default 3600) is checked before the tenant, as in the original.
/// </summary>
public static partial class GetDownloadUrl
{
    public const int DefaultExpiresIn = 3600;
    public const int MinExpiresIn = 60;
    public const int MaxExpiresIn = 86400;
    public const string ExpiresInMessage = "expires_in must be between 60 and 86400 seconds (1 min to 24 hours)";

    public static async Task<Results<Ok<SuccessEnvelope<DownloadUrlData>>, ApiError>> HandleAsync(
        string tenantId, Guid documentId, [FromQuery(Name = "expires_in")] string? expiresIn, ClaimsPrincipal user,
        TenantAccessChecker checker, TenantDbContextFactory tenants, ObjectStorage storage, OutboxSignal outboxSignal,
        TimeProvider time, ILogger<DownloadUrlData> logger, CancellationToken cancellationToken)
    {
        var seconds = DefaultExpiresIn;
        if (!string.IsNullOrWhiteSpace(expiresIn)
            && (!int.TryParse(expiresIn, NumberStyles.Integer, CultureInfo.InvariantCulture, out seconds)
                || seconds is < MinExpiresIn or > MaxExpiresIn))
        {
            return ApiError.Validation(new Dictionary<string, List<string>> { ["expires_in"] = [ExpiresInMessage] }, ExpiresInMessage);
        }

        var userId = user.UserId();
        var access = await checker.RequireAsync(tenantId, userId, TenantRole.Viewer, cancellationToken);
        if (access.Failed(out var error))
        {
            return error;
        }

        await using var db = await tenants.CreateDbContextAsync(access.DatabaseName, cancellationToken);
        var row = await db.Documents.AsNoTracking().Where(d => d.Id == documentId)
            .Select(d => new { d.Filename, d.MimeType, d.File!.S3Path, d.File.FileSize })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return DocumentErrors.NotFound();
        }

        var (url, expiresAt) = await storage.PresignGetAsync(row.S3Path, TimeSpan.FromSeconds(seconds),
            ContentDispositionHeader.Attachment(row.Filename), MimeTypes.ServedAs(row.MimeType));

        db.EnqueueAudit(access.TenantId, userId, AuditActions.DownloadUrlIssued, "document", documentId.ToString(),
            new { filename = row.Filename, expires_in = seconds }, time);
        await db.SaveChangesAsync(cancellationToken);
        outboxSignal.Notify(access.DatabaseName);
        LogIssued(logger, userId, access.TenantId, documentId, row.Filename, seconds, access.Role.ToWire());

        return ApiResults.Ok("Download URL generated successfully", new DownloadUrlData(
            url.AbsoluteUri, seconds, expiresAt.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            row.Filename, row.MimeType, row.FileSize));
    }

    [LoggerMessage(LogLevel.Information, "AUDIT: Download URL generated - user_id={UserId}, tenant_id={TenantId}, document_id={DocumentId}, filename={Filename}, expires_in={ExpiresIn}s, role={Role}")]
    private static partial void LogIssued(ILogger logger, Guid userId, Guid tenantId, Guid documentId, string filename, int expiresIn, string role);
}

public sealed record DownloadUrlData(string DownloadUrl, int ExpiresIn, string ExpiresAt, string Filename, string MimeType, long FileSize);
