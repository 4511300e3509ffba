using System.Text.Json;
using System.Text.Json.Serialization;

namespace Documents.Api.Features.Files;

/// <summary>An item of the file list: a <see cref="FileSummary"/>, or with <c>include_stats</c> a <see cref="FileDetail"/>.</summary>
[JsonDerivedType(typeof(FileSummary))]
[JsonDerivedType(typeof(FileDetail))]
public abstract record FileListItem;

/// <summary>A file in a list without statistics (§2.9).</summary>
public sealed record FileSummary(
    Guid Id,
    string Md5Hash,
    string S3Path,
    long FileSize,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset CreatedAt) : FileListItem;

/// <summary>Every column of a file plus how many documents reference it (numbers are numbers, D11).</summary>
public sealed record FileDetail(
    Guid Id,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset CreatedAt,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset UpdatedAt,
    Guid? CreatedBy,
    string Md5Hash,
    string Sha256Hash,
    string S3Path,
    long FileSize,
    JsonElement FileMetadata,
    int DocumentCount,
    bool IsOrphaned,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset? OrphanedAt) : FileListItem
{
    /// <summary>The documents that reference the file: in a file's detail only, not in lists.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FileDocument>? Documents { get; init; }

    public static FileDetail From(StoredFile f, int documentCount) => new(
        f.Id, f.CreatedAt, f.UpdatedAt, f.CreatedBy, f.Md5Hash, f.Sha256Hash, f.S3Path, f.FileSize,
        ParseMetadata(f.FileMetadata), documentCount, documentCount == 0, f.OrphanedAt);

    public static JsonElement ParseMetadata(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(new { });
        }
    }
}

public sealed record FileDocument(
    Guid Id,
    string Filename,
    string MimeType,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset CreatedAt);
