using System.Text.Json.Serialization;
using SaasPlatform.ServiceDefaults.Http;

namespace Events.Worker.Features.Exports;

/// <summary>An export as the API shows it; <c>download_url</c> only once it is ready.</summary>
public sealed record ExportView(
    Guid Id,
    Guid TenantId,
    string Status,
    Guid RequestedBy,
    [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset RequestedAt,
    string? CompletedAt,
    long? SizeBytes,
    int? DocumentCount,
    int? FileCount,
    string? Error,
    int Attempts,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DownloadUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DownloadUrlExpiresAt)
{
    public static ExportView From(TenantExport export, (Uri Url, DateTime ExpiresAtUtc)? link = null) => new(
        export.Id, export.TenantId, export.Status, export.RequestedBy, export.RequestedAt,
        export.CompletedAt is { } completed ? IsoTimestampConverter.Format(completed) : null,
        export.SizeBytes, export.DocumentCount, export.FileCount, export.Error, export.Attempts,
        link?.Url.AbsoluteUri,
        link is { } l ? IsoTimestampConverter.Format(new DateTimeOffset(l.ExpiresAtUtc, TimeSpan.Zero)) : null);
}
