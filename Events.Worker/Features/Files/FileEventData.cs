namespace Events.Worker.Features.Files;

/// <summary>The fields of <c>document.uploaded</c> / <c>document.deleted</c> data the file handlers use.</summary>
internal sealed record FileEventData(
    Guid? DocumentId,
    Guid? FileId,
    string? MimeType,
    string? S3Path,
    string? DatabaseName,
    bool? Orphaned);
