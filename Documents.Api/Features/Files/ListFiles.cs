using Microsoft.AspNetCore.Mvc;

namespace Documents.Api.Features.Files;

public static class ListFiles
{
    public sealed record FilePage(
        IReadOnlyList<FileListItem> Files,
        PaginationInfo Pagination,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] StorageStats? Stats);

    public sealed record StorageStats(long TotalFiles, long TotalStorageBytes, double TotalStorageMb);

    /// <remarks>
    /// <c>GET /api/files/{tid}/files</c>: the tenant's files, newest first, paged. With <c>include_stats=true</c> every
    /// column plus <c>document_count</c>/<c>is_orphaned</c>, and storage statistics over all files (not just the page).
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<FilePage>>, ApiError>> HandleAsync(
        string? page, [FromQuery(Name = "per_page")] string? perPage,
        [FromQuery(Name = "include_stats")] string? includeStats, TenantScope tenant, CancellationToken cancellationToken)
    {
        var (paging, pagingError) = Paging.Parse(page, perPage);
        if (pagingError is not null)
        {
            return pagingError;
        }

        var withStats = string.Equals(includeStats, "true", StringComparison.OrdinalIgnoreCase);
        var db = await tenant.OpenDbAsync(cancellationToken);
        var total = await db.Files.LongCountAsync(cancellationToken);
        var ordered = db.Files.AsNoTracking().OrderByDescending(f => f.CreatedAt).ThenByDescending(f => f.Id)
            .Skip(paging.Skip).Take(paging.PerPage);

        IReadOnlyList<FileListItem> files;
        StorageStats? stats = null;
        if (withStats)
        {
            var rows = await ordered.Select(f => new { File = f, Count = f.Documents.Count }).ToListAsync(cancellationToken);
            files = [.. rows.Select(r => FileDetail.From(r.File, r.Count))];
            var bytes = await db.Files.SumAsync(f => (long?)f.FileSize, cancellationToken) ?? 0;
            stats = new StorageStats(total, bytes, Math.Round(bytes / 1048576.0, 2));
        }
        else
        {
            files = await ordered.Select(f => (FileListItem)new FileSummary(f.Id, f.Md5Hash, f.S3Path, f.FileSize, f.CreatedAt))
                .ToListAsync(cancellationToken);
        }

        return ApiResults.Ok("Files retrieved successfully", new FilePage(files, paging.Describe(total), stats));
    }
}
