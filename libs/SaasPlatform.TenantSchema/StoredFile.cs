namespace SaasPlatform.TenantSchema;

/// <summary>
/// A stored object, deduplicated per tenant: its identity is the SHA-256 of its bytes (decision D8).
/// Table <c>files</c>.
/// </summary>
public sealed class StoredFile : TenantEntity
{
    public const int Md5Length = 32;
    public const int Sha256Length = 64;
    public const int S3PathMaxLength = 500;

    public required string Md5Hash { get; set; }

    public required string Sha256Hash { get; set; }

    public required string S3Path { get; set; }

    public long FileSize { get; set; }

    /// <summary>JSON object text (column <c>jsonb</c>, default <c>{}</c>).</summary>
    public string FileMetadata { get; set; } = "{}";

    /// <summary>
    /// Set when the last document referencing the file is deleted, cleared when one comes back; the orphan
    /// collector deletes files orphaned for longer than the grace period (decision D10).
    /// </summary>
    public DateTimeOffset? OrphanedAt { get; set; }

    public List<Document> Documents { get; set; } = [];
}
