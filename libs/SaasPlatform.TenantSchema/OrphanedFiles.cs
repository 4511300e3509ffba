using Microsoft.EntityFrameworkCore;
using SaasPlatform.TenantSchema;

namespace SaasPlatform.Storage;

/// <summary>
/// The tenant-database side of orphan collection (decision D10), through <see cref="TenantDbContext"/> so the schema
/// it touches is checked by the compiler (the one row lock aside, which LINQ cannot express). The collector (Events.Worker) adds the object deletes around these.
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
    /// (re-checked under the row lock) and returns what it held; null when it is not due. Call inside a transaction
    /// and delete the object before committing: until then the row stays locked, so no upload can reuse the file.
    /// </summary>
    public static async Task<CollectedFile?> DeleteIfDueAsync(TenantDbContext db, Guid fileId, DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        // The row lock first (LINQ has no FOR UPDATE); the conditions are checked on the locked row, so an upload
        // that reuses the file meanwhile (it clears orphaned_at under the same lock) wins, and none can start now.
        var file = await db.Files.FromSql($"SELECT * FROM files WHERE id = {fileId} FOR UPDATE")
            .Where(f => f.OrphanedAt != null && f.OrphanedAt <= cutoff && !f.Documents.Any())
            .Select(f => new CollectedFile { S3Path = f.S3Path, FileSize = f.FileSize })
            .SingleOrDefaultAsync(cancellationToken);
        if (file is not null)
        {
            await db.Files.Where(f => f.Id == fileId).ExecuteDeleteAsync(cancellationToken);
        }

        return file;
    }
}
