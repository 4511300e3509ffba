namespace SaasPlatform.Messaging.Events;

/// <summary>
/// The data of <c>document.uploaded</c> (<see cref="Topics.DocumentUploaded"/>), snake_case on the wire.
/// <paramref name="DatabaseName"/> lets a consumer reach the tenant database without a lookup; events written
/// before it existed name it only in <paramref name="S3Path"/> (<c>tenants/&lt;database&gt;/...</c>).
/// </summary>
public sealed record DocumentUploaded(
    Guid DocumentId,
    string Filename,
    string? MimeType,
    Guid FileId,
    long FileSize,
    string S3Path,
    string Sha256,
    string Md5Hash,
    bool WasDeduplicated,
    string? DatabaseName);
