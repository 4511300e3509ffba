using Microsoft.EntityFrameworkCore;
using SaasPlatform.TenantSchema;

namespace SaasPlatform.Storage;

/// <summary>
/// The tenant-database side of orphan collection (decision D10), through <see cref="TenantDbContext"/> so the schema
/// it touches is checked by the compiler. The collector (Events.Worker) adds the object deletes around these.
/// </summary>
public static class OrphanedFiles
{
    public sealed class CollectedFile
    {
        public string S3Path { get; set; } = "";

        public long FileSize { get; set; }
    }

    /// <summary>When <paramref name="fileId"/> became an orphan; null when it is not one (or no longer exists).</summary>
    public static Task<DateTimeOffset?> OrphanedAtAsync(TenantDbContext db, Guid fileId, CancellationToken cancellationToken) =>
        db.Files.Where(f => f.Id == fileId && !f.Documents.Any()).Select(f => f.OrphanedAt).FirstOrDefaultAsync(cancellationToken);

    /// <summary>
    /// Makes the orphan marks match the documents: clears the mark of a file that has documents again, and marks a
    /// file without documents that was never marked (a lost update), as orphaned since <paramref name="now"/>.
    /// Returns how many marks changed.
    /// </summary>
    public static async Task<int> RepairMarksAsync(TenantDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cleared = await db.Files.Where(f => f.OrphanedAt != null && f.Documents.Any())
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.OrphanedAt, (DateTimeOffset?)null), cancellationToken);
        var marked = await db.Files.Where(f => f.OrphanedAt == null && !f.Documents.Any())
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.OrphanedAt, now), cancellationToken);
        return cleared + marked;
    }

    /// <summary>Ids of files orphaned at or before <paramref name="cutoff"/> (their grace period is over).</summary>
    public static Task<List<Guid>> DueAsync(TenantDbContext db, DateTimeOffset cutoff, int limit, CancellationToken cancellationToken) =>
        db.Files.Where(f => f.OrphanedAt != null && f.OrphanedAt <= cutoff).OrderBy(f => f.OrphanedAt).Select(f => f.Id)
            .Take(limit).ToListAsync(cancellationToken);

    /// <summary>The earliest orphan mark after <paramref name="cutoff"/>: when the next file falls due, minus the grace.</summary>
    public static Task<DateTimeOffset?> NextOrphanedAfterAsync(TenantDbContext db, DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        db.Files.Where(f => f.OrphanedAt != null && f.OrphanedAt > cutoff).MinAsync(f => f.OrphanedAt, cancellationToken);

    /// <summary>
    /// Deletes the row of <paramref name="fileId"/> if it is still an orphan marked at or before <paramref name="cutoff"/>
    /// (re-checked by the DELETE itself) and returns what it held; null when it is not due. Call inside a transaction
    /// and delete the object before committing: until then the row stays locked, so no upload can reuse the file.
    /// </summary>
    public static async Task<CollectedFile?> DeleteIfDueAsync(TenantDbContext db, Guid fileId, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        // DELETE ... RETURNING has no LINQ form; the table and columns are those the model above maps.
        var rows = await db.Database.SqlQuery<CollectedFile>($"""
            DELETE FROM files f
            WHERE f.id = {fileId} AND f.orphaned_at <= {cutoff}
              AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_id = f.id)
            RETURNING f.s3_path AS "S3Path", f.file_size AS "FileSize"
            """).ToListAsync(cancellationToken);
        return rows.SingleOrDefault();
    }
}
