using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.TenancyClient;
using SaasPlatform.TenantSchema;

namespace Documents.Api.Features.Documents;

/// <summary>
/// <c>GET /api/tenants/{tid}/documents</c>: every document of the tenant, newest first, paged (D16), optionally
/// filtered by a case-insensitive filename substring in which <c>%</c> and <c>_</c> mean themselves.
/// </summary>
public static class ListDocuments
{
    public sealed record DocumentPage(List<DocumentResponse> Documents, PaginationInfo Pagination);

    public static async Task<Results<Ok<SuccessEnvelope<DocumentPage>>, ApiError>> HandleAsync(
        string tenantId, string? page, [FromQuery(Name = "per_page")] string? perPage, string? filename, ClaimsPrincipal user,
        TenantAccessChecker checker, TenantDbContextFactory tenants, CancellationToken cancellationToken)
    {
        var access = await checker.RequireAsync(tenantId, user.UserId(), TenantRole.Viewer, cancellationToken);
        if (access.Failed(out var error))
        {
            return error;
        }

        var (paging, pagingError) = Paging.Parse(page, perPage);
        if (pagingError is not null)
        {
            return pagingError;
        }

        await using var db = await tenants.CreateDbContextAsync(access.DatabaseName, cancellationToken);
        var query = db.Documents.AsNoTracking();
        if (!string.IsNullOrEmpty(filename))
        {
            var pattern = $"%{EscapeLike(filename)}%";
            query = query.Where(d => EF.Functions.ILike(d.Filename, pattern, "\\"));
        }

        var total = await query.LongCountAsync(cancellationToken);
        var documents = await query
            .OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id)
            .Skip(paging.Skip).Take(paging.PerPage)
            .ToListAsync(cancellationToken);

        return ApiResults.Ok("Documents retrieved successfully",
            new DocumentPage(documents.Select(DocumentResponse.From).ToList(), paging.Describe(total)));
    }

    /// <summary>LIKE metacharacters become literals (escape character <c>\</c>).</summary>
    public static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal)
            .Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal);
}
