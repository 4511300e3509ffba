using System.Text.Json.Serialization;

namespace Documents.Api.Features.Documents;

/// <summary>The document object of the contract (§2.8); <see cref="DocumentWithFile"/> adds its file.</summary>
public record DocumentResponse(
    Guid Id,
    string Filename,
    string MimeType,
    Guid FileId,
    Guid UserId,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset UpdatedAt,
    Guid? CreatedBy)
{
    public static DocumentResponse From(Document d) =>
        new(d.Id, d.Filename, d.MimeType, d.FileId, d.UserId, d.CreatedAt, d.UpdatedAt, d.CreatedBy);
}

public sealed record DocumentWithFile(
    Guid Id,
    string Filename,
    string MimeType,
    Guid FileId,
    Guid UserId,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset UpdatedAt,
    Guid? CreatedBy,
    DocumentFile File)
{
    public static DocumentWithFile From(Document d, StoredFile f) =>
        new(d.Id, d.Filename, d.MimeType, d.FileId, d.UserId, d.CreatedAt, d.UpdatedAt, d.CreatedBy, DocumentFile.From(f));
}

/// <summary>The file as a document shows it: no id (the document has <c>file_id</c>), as in the original.</summary>
public sealed record DocumentFile(
    string Md5Hash,
    string S3Path,
    long FileSize,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset CreatedAt)
{
    public static DocumentFile From(StoredFile f) => new(f.Md5Hash, f.S3Path, f.FileSize, f.CreatedAt);
}
