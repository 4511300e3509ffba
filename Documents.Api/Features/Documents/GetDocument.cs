using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.TenancyClient;
using SaasPlatform.TenantSchema;

namespace Documents.Api.Features.Documents;

/// <summary><c>GET /api/tenants/{tid}/documents/{did}</c>: the document with its file.</summary>
public static class GetDocument
{
    public static async Task<Results<Ok<SuccessEnvelope<DocumentWithFile>>, ApiError>> HandleAsync(
        string tenantId, Guid documentId, ClaimsPrincipal user, TenantAccessChecker checker, TenantDbContextFactory tenants,
        CancellationToken cancellationToken)
    {
        var access = await checker.RequireAsync(tenantId, user.UserId(), TenantRole.Viewer, cancellationToken);
        if (access.Failed(out var error))
        {
            return error;
        }

        await using var db = await tenants.CreateDbContextAsync(access.DatabaseName, cancellationToken);
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
