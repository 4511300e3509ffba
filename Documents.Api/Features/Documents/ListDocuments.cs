using Microsoft.AspNetCore.Mvc;

namespace Documents.Api.Features.Documents;

public static class ListDocuments
{
    public sealed record DocumentPage(List<DocumentResponse> Documents, PaginationInfo Pagination);

    /// <remarks>
    /// <c>GET /api/tenants/{tid}/documents</c>: the tenant's documents, paged (D16), newest first unless <c>sort</c> and
    /// <c>order</c> say otherwise, optionally filtered; every filter narrows the list (they combine with AND). A bad
    /// value is a 400 naming the parameter. Ties in the order are broken by id, so pages are stable.
    /// </remarks>
    /// <param name="page">Page number, 1 or more (default 1).</param>
    /// <param name="perPage">Documents per page, 1 to 100 (default 20).</param>
    /// <param name="filename">Case-insensitive substring of the filename; <c>%</c> and <c>_</c> mean themselves.</param>
    /// <param name="mimeType">Exact MIME type (<c>application/pdf</c>, case-insensitive), or a family such as <c>image/*</c>.</param>
    /// <param name="minSize">Smallest file size in bytes (inclusive).</param>
    /// <param name="maxSize">Largest file size in bytes (inclusive).</param>
    /// <param name="uploadedAfter">Uploaded at or after this instant (ISO 8601 date or date-time; UTC without an offset).</param>
    /// <param name="uploadedBefore">Uploaded before this instant (ISO 8601, exclusive).</param>
    /// <param name="uploadedBy">The uploader's user id (the document's <c>user_id</c>).</param>
    /// <param name="sort"><c>date</c> (default), <c>name</c> or <c>size</c>.</param>
    /// <param name="order"><c>asc</c> or <c>desc</c>; default <c>asc</c> for name, <c>desc</c> for date and size.</param>
    public static async Task<Results<Ok<SuccessEnvelope<DocumentPage>>, ApiError>> HandleAsync(
        string? page, [FromQuery(Name = "per_page")] string? perPage, string? filename,
        [FromQuery(Name = "mime_type")] string? mimeType, [FromQuery(Name = "min_size")] string? minSize,
        [FromQuery(Name = "max_size")] string? maxSize, [FromQuery(Name = "uploaded_after")] string? uploadedAfter,
        [FromQuery(Name = "uploaded_before")] string? uploadedBefore, [FromQuery(Name = "uploaded_by")] string? uploadedBy,
        string? sort, string? order, TenantScope tenant, CancellationToken cancellationToken)
    {
        var (paging, pagingError) = Paging.Parse(page, perPage);
        var (query, queryError) = DocumentListQuery.Parse(filename, mimeType, minSize, maxSize, uploadedAfter, uploadedBefore, uploadedBy, sort, order);
        if ((pagingError ?? queryError) is { } error)
        {
            return error;
        }

        var db = await tenant.OpenDbAsync(cancellationToken);
        var filtered = query!.Filter(db.Documents.AsNoTracking());
        var total = await filtered.LongCountAsync(cancellationToken);
        // Nothing to fetch past the last match. Not only a saved round trip: with a LIMIT, the planner may walk an index
        // in the requested order hoping to meet matches soon, which for none means every row the index holds (for
        // instance all of one uploader's documents; docs/decisions/document-search.md).
        var documents = paging.Skip >= total
            ? []
            : await query.Order(filtered, total)
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
