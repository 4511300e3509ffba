using System.Text.RegularExpressions;

namespace Events.Worker.Features.TenantArchives;

/// <summary>
/// The tenant archive, format version 1 (docs/tenant-archive-format.md): one ZIP holding <c>manifest.json</c>, the
/// JSON metadata of files, documents, members and the audit log, and each stored file's bytes once, at
/// <c>files/&lt;sha256&gt;</c> (deduplicated as in the tenant). JSON is snake_case, timestamps ISO 8601.
/// </summary>
public static partial class TenantArchiveFormat
{
    /// <summary>The version this code writes and the only one it reads.</summary>
    public const int Version = 1;

    /// <summary>The manifest's <c>kind</c>: tells a tenant archive from any other ZIP with a manifest.</summary>
    public const string Kind = "saasplatform.tenant-archive";

    public const string ManifestEntry = "manifest.json";
    public const string FilesEntry = "files.json";
    public const string DocumentsEntry = "documents.json";
    public const string MembersEntry = "members.json";
    public const string AuditLogEntry = "audit_log.json";

    public static string FileEntry(string sha256) => $"files/{sha256}";

    public static bool IsSha256(string? value) => value is not null && Sha256Hex().IsMatch(value);

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}

/// <summary><c>manifest.json</c>.</summary>
public sealed record ArchiveManifest(
    int FormatVersion,
    string Kind,
    Guid ExportId,
    DateTimeOffset ExportedAt,
    ArchiveTenant Tenant,
    ArchiveCounts Counts);

public sealed record ArchiveTenant(Guid Id, string Name);

public sealed record ArchiveCounts(int Files, int Documents, int Members, long AuditRecords, long ContentBytes);

/// <summary>One element of <c>files.json</c>; its bytes are the entry <see cref="Path"/>.</summary>
public sealed record ArchiveFile(
    Guid Id,
    string Sha256,
    string Md5,
    long Size,
    JsonElement? Metadata,
    DateTimeOffset CreatedAt,
    Guid? CreatedBy,
    string Path);

/// <summary>One element of <c>documents.json</c>.</summary>
public sealed record ArchiveDocument(
    Guid Id,
    string Filename,
    string MimeType,
    Guid FileId,
    Guid UserId,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    Guid? CreatedBy);

/// <summary>One element of <c>members.json</c> (roles as on the wire: admin, user, viewer).</summary>
public sealed record ArchiveMember(Guid UserId, string Role, DateTimeOffset JoinedAt);

/// <summary>One element of <c>audit_log.json</c>, oldest first.</summary>
public sealed record ArchiveAuditEntry(
    Guid Id,
    Guid? UserId,
    string Action,
    string? ResourceType,
    string? ResourceId,
    JsonElement? Details,
    DateTimeOffset OccurredAt);

/// <summary>The archive is not a readable tenant archive of a supported version; the message says why (a 400).</summary>
public sealed class TenantArchiveException(string message) : Exception(message);
