using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.TenancyClient;
using SaasPlatform.TenantSchema;

namespace Documents.Api.Features.Files;

/// <summary><c>GET /api/files/{tid}/files/{fid}</c>: every column, the document count and the documents themselves.</summary>
public static class GetFile
{
    public static async Task<Results<Ok<SuccessEnvelope<FileDetail>>, ApiError>> HandleAsync(
        string tenantId, Guid fileId, ClaimsPrincipal user, TenantAccessChecker checker, TenantDbContextFactory tenants,
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
        return ApiResults.Ok("File retrieved successfully", FileDetail.From(file, documents.Count) with { Documents = documents });
    }
}

internal static class FileErrors
{
    public static ApiError NotFound() => ApiError.NotFound("File not found");
}
