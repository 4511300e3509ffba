using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.TenantData.Access;
using SaasPlatform.TenantData.Connections;

namespace Documents.Api.Features.Files;

/// <summary><c>GET /api/files/{tid}/files/{fid}</c>: every column, the document count and the documents themselves.</summary>
public static class GetFile
{
    public sealed record FileWithDocuments(
        Guid Id,
        [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset CreatedAt,
        [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset UpdatedAt,
        Guid? CreatedBy,
        string Md5Hash,
        string Sha256Hash,
        string S3Path,
        long FileSize,
        JsonElement FileMetadata,
        int DocumentCount,
        bool IsOrphaned,
        [property: JsonConverter(typeof(NullableIsoTimestampConverter))] DateTimeOffset? OrphanedAt,
        List<FileDocument> Documents);

    public static async Task<Results<Ok<SuccessEnvelope<FileWithDocuments>>, ApiError>> HandleAsync(
        string tenantId, Guid fileId, ClaimsPrincipal user, TenantAccessChecker checker, TenantDataSources tenants,
        CancellationToken cancellationToken)
    {
        var access = await checker.RequireAsync(tenantId, user.UserId(), TenantRole.Viewer, cancellationToken);
        if (access.Failed(out var error))
        {
            return error;
        }

        await using var db = await tenants.CreateDbContextAsync(access.DatabaseName, cancellationToken);
        var file = await db.Files.AsNoTracking().FirstOrDefaultAsync(f => f.Id == fileId, cancellationToken);
        if (file is null)
        {
            return FileErrors.NotFound();
        }

        var documents = await db.Documents.AsNoTracking().Where(d => d.FileId == fileId)
            .OrderByDescending(d => d.CreatedAt)
            .Select(d => new FileDocument(d.Id, d.Filename, d.MimeType, d.CreatedAt))
            .ToListAsync(cancellationToken);
        var detail = FileDetail.From(file, documents.Count);
        return ApiResults.Ok("File retrieved successfully", new FileWithDocuments(
            detail.Id, detail.CreatedAt, detail.UpdatedAt, detail.CreatedBy, detail.Md5Hash, detail.Sha256Hash,
            detail.S3Path, detail.FileSize, detail.FileMetadata, detail.DocumentCount, detail.IsOrphaned,
            detail.OrphanedAt, documents));
    }
}

internal static class FileErrors
{
    public static ApiError NotFound() => ApiError.NotFound("File not found");
}
