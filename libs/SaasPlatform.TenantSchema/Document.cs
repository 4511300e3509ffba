namespace SaasPlatform.TenantSchema;

/// <summary>A named reference to a <see cref="StoredFile"/>, owned by a user. Table <c>documents</c>.</summary>
public sealed class Document : TenantEntity
{
    public const int FilenameMaxLength = 255;
    public const int MimeTypeMaxLength = 100;

    public required string Filename { get; set; }

    public required string MimeType { get; set; }

    public Guid FileId { get; set; }

    public StoredFile? File { get; set; }

    /// <summary>The owner: a user of Identity.Api (another database, so no foreign key).</summary>
    public Guid UserId { get; set; }
}
