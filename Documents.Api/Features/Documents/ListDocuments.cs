using Microsoft.AspNetCore.Mvc;

namespace Documents.Api.Features.Documents;

public static class ListDocuments
{
    public sealed record DocumentPage(List<DocumentResponse> Documents, PaginationInfo Pagination);

    /// <remarks>
    /// <c>GET /api/tenants/{tid}/documents</c>: every document of the tenant, newest first, paged (D16), optionally
    /// filtered by a case-insensitive filename substring in which <c>%</c> and <c>_</c> mean themselves.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<DocumentPage>>, ApiError>> HandleAsync(
        string? page, [FromQuery(Name = "per_page")] string? perPage, string? filename, TenantScope tenant,
        CancellationToken cancellationToken)
    {
        var (paging, pagingError) = Paging.Parse(page, perPage);
        if (pagingError is not null)
        {
            return pagingError;
        }

        var db = await tenant.OpenDbAsync(cancellationToken);
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
