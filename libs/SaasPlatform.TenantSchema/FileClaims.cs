using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using SaasPlatform.TenantSchema;

namespace SaasPlatform.Storage;

/// <summary>
/// Deduplication (D8) made race-free by the unique index on <c>files.sha256_hash</c>, which doubles as the lock
/// on a content-addressed key:
/// <list type="bullet">
/// <item>An upload first <em>claims</em> the hash inside its transaction: it inserts the file row, or, when one
/// exists, locks it and clears <c>orphaned_at</c>. Concurrent uploads of the same bytes wait on that claim (an
/// advisory lock on the hash queues even the very first inserts); the losers get the winner's row.</item>
/// <item>Only the inserter writes the object at the final key, while still holding the claim, and commits after.
/// So an existing row always has its object, and bytes already stored are never written again.</item>
/// <item>The orphan collector deletes a row and its object in one transaction, so it can neither delete an object a
/// new upload is writing (the upload's insert waits for the collector) nor a file a new document just reused (the
/// reuse clears <c>orphaned_at</c> under the row lock first).</item>
/// </list>
/// </summary>
public static class FileClaims
{
    public sealed class ClaimedFile
    {
        public Guid Id { get; set; }

        public string Md5Hash { get; set; } = "";

        public string S3Path { get; set; } = "";

        public long FileSize { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public bool Inserted { get; set; }
    }

    /// <summary>Inserts or reuses the file row of these bytes; call inside a transaction.</summary>
    public static async Task<ClaimedFile> ClaimAsync(TenantDbContext db, StoredFile file, CancellationToken cancellationToken)
    {
        // ON CONFLICT arbitrates on sha256_hash only: two inserts racing past its check would collide on the other
        // unique index (s3_path, derived from the hash) with an error instead. The transaction-scoped advisory lock on
        // the hash, taken in the same statement, queues them so that the second always sees the first's row.
        var rows = await db.Database.SqlQuery<ClaimedFile>($$"""
            WITH claim AS (SELECT pg_advisory_xact_lock(hashtextextended({{file.Sha256Hash}}, 0)))
            INSERT INTO files (id, created_at, updated_at, created_by, md5_hash, sha256_hash, s3_path, file_size, file_metadata)
            SELECT {{file.Id}}, {{file.CreatedAt}}, {{file.UpdatedAt}}, {{file.CreatedBy}}, {{file.Md5Hash}}, {{file.Sha256Hash}},
                   {{file.S3Path}}, {{file.FileSize}}, '{}'::jsonb
            FROM claim
            ON CONFLICT (sha256_hash) DO UPDATE SET orphaned_at = NULL
            RETURNING id AS "Id", md5_hash AS "Md5Hash", s3_path AS "S3Path", file_size AS "FileSize",
                      created_at AS "CreatedAt", (xmax = 0) AS "Inserted"
            """).ToListAsync(cancellationToken);
        return rows.Single();
    }

    /// <summary>
    /// After a failed upload that had inserted the row (and may have written the object): deletes the object unless
    /// another upload owns these bytes by now. Re-inserting the row (never committed) is the lock that proves it.
    /// </summary>
    public static async Task ForgetObjectAsync(TenantDbContext db, ObjectStorage storage, StoredFile file)
    {
        db.ChangeTracker.Clear();
        if (db.Database.CurrentTransaction is not null)
        {
            await db.Database.RollbackTransactionAsync(CancellationToken.None);
        }

        await using IDbContextTransaction transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        var claimed = await db.Database.SqlQuery<Guid>($$"""
            INSERT INTO files (id, created_at, updated_at, created_by, md5_hash, sha256_hash, s3_path, file_size, file_metadata)
            VALUES ({{file.Id}}, {{file.CreatedAt}}, {{file.UpdatedAt}}, {{file.CreatedBy}}, {{file.Md5Hash}}, {{file.Sha256Hash}},
                    {{file.S3Path}}, {{file.FileSize}}, '{}'::jsonb)
            ON CONFLICT DO NOTHING
            RETURNING id AS "Value"
            """).ToListAsync(CancellationToken.None);
        if (claimed.Count == 1)
        {
            await storage.DeleteAsync(file.S3Path, CancellationToken.None);
        }

        await transaction.RollbackAsync(CancellationToken.None);
    }
}
