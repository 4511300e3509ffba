namespace SaasPlatform.TenantSchema;

/// <summary>A named reference to a <see cref="StoredFile"/>, owned by a user. Table <c>documents</c>.</summary>
public sealed class Document : TenantEntity
{
    public const int FilenameMaxLength = 255;
    public const int MimeTypeMaxLength = 100;

    public required string Filename { get; set; }

    /// <summary>
    /// <c>lower(filename)</c>, a stored generated column: the list's "filename contains" filter runs <c>LIKE</c> on it
    /// (same result as <c>ILIKE</c> on <see cref="Filename"/>, without lower-casing every row per query). See
    /// docs/decisions/document-search.md.
    /// </summary>
    public string FilenameLower { get; private set; } = "";

    public required string MimeType { get; set; }

    public Guid FileId { get; set; }

    public StoredFile? File { get; set; }

    /// <summary>
    /// A copy of <see cref="StoredFile.FileSize"/>, set when the document is created: files are content-addressed and
    /// never change, and a document never changes its file, so the copy stays true. It lets the list filter and sort
    /// by size without joining <c>files</c> (docs/decisions/document-search.md).
    /// </summary>
    public long FileSize { get; set; }

    /// <summary>The owner: a user of Identity.Api (another database, so no foreign key).</summary>
    public Guid UserId { get; set; }
}
