using SaasPlatform.Storage;

namespace Events.Worker.Features.Files;

/// <summary>
/// Frees the storage of orphaned files (D10). A file goes, row and object, only once it has been orphaned for the
/// grace period and still has no document, re-checked under the row lock; the object is deleted before that
/// DELETE commits, so while it happens the row stays locked and no upload can reuse the file or rewrite its key.
/// </summary>
internal sealed partial class OrphanCollector(
    TenantDbContextFactory tenants, ObjectStorage storage, TimeProvider time, IOptions<FileHandlingOptions> options,
    ILogger<OrphanCollector> logger)
{
    /// <summary>Files collected per sweep of one database before it is visited again (so one tenant cannot hog it).</summary>
    private const int SweepBatch = 500;

    private TimeSpan Grace => options.Value.OrphanGracePeriod;

    /// <summary>When the file may be collected: null when it is not (or no longer) orphaned.</summary>
    public async Task<DateTimeOffset?> DueAtAsync(string database, Guid fileId, CancellationToken cancellationToken)
    {
        await using var db = await tenants.CreateDbContextAsync(database, cancellationToken);
        return await OrphanedFiles.OrphanedAtAsync(db, fileId, cancellationToken) + Grace;
    }

    /// <summary>Deletes the file and its object if it is due; true when it did.</summary>
    public async Task<bool> CollectAsync(string database, Guid fileId, CancellationToken cancellationToken)
    {
        await using var db = await tenants.CreateDbContextAsync(database, cancellationToken);
        return await CollectAsync(db, database, fileId, cancellationToken);
    }

    /// <summary>
    /// One database: fixes orphan marks that no longer (or never) matched the documents, collects every orphan past
    /// its grace period, and deletes staged uploads abandoned longer ago than the staging retention. Says what it
    /// collected and when this database next has something due (null: nothing, until new work is recorded).
    /// <paramref name="pooled"/> false keeps a pass over many databases out of the tenant pools.
    /// </summary>
    public async Task<SweepResult> SweepAsync(string database, bool pooled, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cutoff = now - Grace;
        await using var db = pooled ? await tenants.CreateDbContextAsync(database, cancellationToken) : tenants.CreateUnpooledDbContext(database);
        await OrphanedFiles.RepairMarksAsync(db, now, cancellationToken);

        var collected = 0;
        var due = await OrphanedFiles.DueAsync(db, cutoff, SweepBatch, cancellationToken);
        foreach (var fileId in due)
        {
            if (await CollectAsync(db, database, fileId, cancellationToken))
            {
                collected++;
            }
        }

        DateTimeOffset? next = due.Count == SweepBatch
            ? now // more than one batch was due: come back at once
            : await OrphanedFiles.NextOrphanedAfterAsync(db, cutoff, cancellationToken) + Grace;

        var stagingDeleted = 0;
        var retention = options.Value.StagingRetention;
        await foreach (var staged in storage.ListAsync(StorageKeys.StagingPrefix(database), cancellationToken))
        {
            var staleAt = new DateTimeOffset(DateTime.SpecifyKind(staged.LastModifiedUtc, DateTimeKind.Utc)) + retention;
            if (staleAt <= now)
            {
                await storage.DeleteAsync(staged.Key, cancellationToken);
                stagingDeleted++;
                LogStagingDeleted(staged.Key);
            }
            else if (next is null || staleAt < next)
            {
                next = staleAt; // an upload in progress, or one abandoned not long ago: look again when it would be stale
            }
        }

        return new SweepResult(collected, stagingDeleted, next);
    }

    private async Task<bool> CollectAsync(TenantDbContext db, string database, Guid fileId, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var file = await OrphanedFiles.DeleteIfDueAsync(db, fileId, time.GetUtcNow() - Grace, cancellationToken);
        if (file is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        // If this throws, the row comes back with the rollback and the next attempt tries again.
        await storage.DeleteAsync(file.S3Path, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogCollected(database, fileId, file.S3Path, file.FileSize);
        return true;
    }

    [LoggerMessage(LogLevel.Information, "Collected orphaned file {FileId} of {Database}: deleted {S3Path} ({Size} bytes)")]
    private partial void LogCollected(string database, Guid fileId, string s3Path, long size);

    [LoggerMessage(LogLevel.Information, "Deleted abandoned staged upload {Key}")]
    private partial void LogStagingDeleted(string key);
}

/// <summary>What one database's sweep did, and when that database next has something due (null: nothing known).</summary>
internal readonly record struct SweepResult(int Collected, int StagingDeleted, DateTimeOffset? NextDue);
