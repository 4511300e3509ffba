using Microsoft.Extensions.Options;
using Npgsql;
using SaasPlatform.TenantData.Connections;
using SaasPlatform.TenantData.Storage;

namespace Events.Worker.Features.Files;

/// <summary>
/// Frees the storage of orphaned files (D10). A file goes, row and object, only once it has been orphaned for the
/// grace period and still has no document, re-checked by the DELETE itself; the object is deleted before that
/// DELETE commits, so while it happens the row stays locked and no upload can reuse the file or rewrite its key.
/// </summary>
internal sealed partial class OrphanCollector(
    TenantDataSources tenants, ObjectStorage storage, TimeProvider time, IOptions<FileHandlingOptions> options,
    ILogger<OrphanCollector> logger)
{
    private TimeSpan Grace => options.Value.OrphanGracePeriod;

    /// <summary>When the file may be collected: null when it is not (or no longer) orphaned.</summary>
    public async Task<DateTimeOffset?> DueAtAsync(string database, Guid fileId, CancellationToken cancellationToken)
    {
        using var lease = await tenants.RentAsync(database, cancellationToken);
        await using var command = lease.DataSource.CreateCommand(
            "SELECT orphaned_at FROM files f WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_id = f.id)");
        command.Parameters.Add(new NpgsqlParameter { Value = fileId });
        var orphanedAt = await command.ExecuteScalarAsync(cancellationToken);
        return orphanedAt is DateTime at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) + Grace : null;
    }

    /// <summary>Deletes the file and its object if it is due; true when it did.</summary>
    public async Task<bool> CollectAsync(string database, Guid fileId, CancellationToken cancellationToken)
    {
        using var lease = await tenants.RentAsync(database, cancellationToken);
        await using var connection = await lease.DataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            DELETE FROM files f
            WHERE f.id = $1 AND f.orphaned_at <= $2
              AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_id = f.id)
            RETURNING f.s3_path, f.file_size
            """, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = fileId });
        command.Parameters.Add(new NpgsqlParameter { Value = time.GetUtcNow() - Grace });
        string? s3Path = null;
        long size = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                s3Path = reader.GetString(0);
                size = reader.GetInt64(1);
            }
        }

        if (s3Path is null)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        // If this throws, the row comes back with the rollback and the next attempt tries again.
        await storage.DeleteAsync(s3Path, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogCollected(database, fileId, s3Path, size);
        return true;
    }

    /// <summary>
    /// One database: fixes orphan marks that no longer (or never) matched the documents, collects every orphan past
    /// its grace period, and deletes staged uploads abandoned long ago. Returns how many files were collected.
    /// </summary>
    public async Task<int> SweepAsync(string database, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        List<Guid> due = [];
        using (var lease = await tenants.RentAsync(database, cancellationToken))
        {
            await using var connection = await lease.DataSource.OpenConnectionAsync(cancellationToken);
            await using (var fix = new NpgsqlCommand("""
                UPDATE files f SET orphaned_at = NULL
                WHERE f.orphaned_at IS NOT NULL AND EXISTS (SELECT 1 FROM documents d WHERE d.file_id = f.id);
                UPDATE files f SET orphaned_at = $1
                WHERE f.orphaned_at IS NULL AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_id = f.id);
                """, connection))
            {
                fix.Parameters.Add(new NpgsqlParameter { Value = now });
                await fix.ExecuteNonQueryAsync(cancellationToken);
            }

            await using var select = new NpgsqlCommand("SELECT id FROM files WHERE orphaned_at <= $1", connection);
            select.Parameters.Add(new NpgsqlParameter { Value = now - Grace });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(reader.GetGuid(0));
            }
        }

        var collected = 0;
        foreach (var fileId in due)
        {
            if (await CollectAsync(database, fileId, cancellationToken))
            {
                collected++;
            }
        }

        var staleBefore = now.UtcDateTime - options.Value.StagingRetention;
        await foreach (var staged in storage.ListAsync(StorageKeys.StagingPrefix(database), cancellationToken))
        {
            if (staged.LastModifiedUtc < staleBefore)
            {
                await storage.DeleteAsync(staged.Key, cancellationToken);
                LogStagingDeleted(staged.Key);
            }
        }

        return collected;
    }

    [LoggerMessage(LogLevel.Information, "Collected orphaned file {FileId} of {Database}: deleted {S3Path} ({Size} bytes)")]
    private partial void LogCollected(string database, Guid fileId, string s3Path, long size);

    [LoggerMessage(LogLevel.Information, "Deleted abandoned staged upload {Key}")]
    private partial void LogStagingDeleted(string key);
}
