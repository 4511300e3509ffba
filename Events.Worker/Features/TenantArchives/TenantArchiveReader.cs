using System.IO.Compression;

namespace Events.Worker.Features.TenantArchives;

/// <summary>
/// Opens a tenant archive (a seekable stream: the upload's temporary file) and checks everything that can be checked
/// without reading the file bytes before anything is created: a ZIP, a manifest of this kind and a supported
/// <c>format_version</c>, the metadata entries, every document's file listed, every listed file present with its
/// size, names and types within the schema's limits. The bytes' hashes are checked while they are stored
/// (<see cref="OpenFile"/> callers compare). Any problem is a <see cref="TenantArchiveException"/>.
/// </summary>
public sealed class TenantArchiveReader : IDisposable
{
    private static readonly JsonSerializerOptions Json = Microsoft.Extensions.Hosting.Extensions.WireJson;
    private readonly ZipArchive _zip;

    private TenantArchiveReader(ZipArchive zip, ArchiveManifest manifest, IReadOnlyList<ArchiveFile> files,
        IReadOnlyList<ArchiveDocument> documents, IReadOnlyList<ArchiveMember> members)
    {
        _zip = zip;
        Manifest = manifest;
        Files = files;
        Documents = documents;
        Members = members;
    }

    public ArchiveManifest Manifest { get; }

    public IReadOnlyList<ArchiveFile> Files { get; }

    public IReadOnlyList<ArchiveDocument> Documents { get; }

    public IReadOnlyList<ArchiveMember> Members { get; }

    public static TenantArchiveReader Open(Stream archive)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(archive, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            throw new TenantArchiveException("The archive is not a readable ZIP file");
        }

        try
        {
            var manifest = Read<ArchiveManifest>(zip, TenantArchiveFormat.ManifestEntry);
            if (manifest.Kind != TenantArchiveFormat.Kind)
            {
                throw new TenantArchiveException($"manifest.json is not a tenant archive's (kind '{manifest.Kind}')");
            }

            if (manifest.FormatVersion != TenantArchiveFormat.Version)
            {
                throw new TenantArchiveException(
                    $"Unsupported archive format_version {manifest.FormatVersion}: this platform reads version {TenantArchiveFormat.Version}");
            }

            if (manifest.Tenant is null)
            {
                throw new TenantArchiveException("manifest.json names no tenant");
            }

            var files = Read<List<ArchiveFile>>(zip, TenantArchiveFormat.FilesEntry);
            var documents = Read<List<ArchiveDocument>>(zip, TenantArchiveFormat.DocumentsEntry);
            var members = Read<List<ArchiveMember>>(zip, TenantArchiveFormat.MembersEntry);
            Validate(zip, files, documents, members);
            return new TenantArchiveReader(zip, manifest, files, documents, members);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    /// <summary>The bytes of <paramref name="file"/> (a forward-only stream; dispose it before opening the next).</summary>
    public Stream OpenFile(ArchiveFile file) => _zip.GetEntry(file.Path)!.Open();

    public void Dispose() => _zip.Dispose();

    private static T Read<T>(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name) ?? throw new TenantArchiveException($"The archive has no {name}");
        try
        {
            using var stream = entry.Open();
            return JsonSerializer.Deserialize<T>(stream, Json) ?? throw new TenantArchiveException($"{name} is empty");
        }
        catch (JsonException e)
        {
            throw new TenantArchiveException($"{name} is not valid: {e.Message}");
        }
        catch (InvalidDataException)
        {
            throw new TenantArchiveException($"{name} cannot be decompressed");
        }
    }

    private static void Validate(ZipArchive zip, List<ArchiveFile> files, List<ArchiveDocument> documents, List<ArchiveMember> members)
    {
        var fileIds = new HashSet<Guid>();
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (file is null || !TenantArchiveFormat.IsSha256(file.Sha256))
            {
                throw new TenantArchiveException("files.json lists a file without a valid sha256");
            }

            if (!fileIds.Add(file.Id) || !hashes.Add(file.Sha256))
            {
                throw new TenantArchiveException($"files.json lists file {file.Id} ({file.Sha256}) twice");
            }

            if (file.Size <= 0 || file.Md5 is not { Length: StoredFile.Md5Length })
            {
                throw new TenantArchiveException($"files.json: file {file.Id} has no valid size or md5");
            }

            if (file.Path != TenantArchiveFormat.FileEntry(file.Sha256))
            {
                throw new TenantArchiveException($"files.json: file {file.Id} must be at {TenantArchiveFormat.FileEntry(file.Sha256)}");
            }

            var entry = zip.GetEntry(file.Path) ?? throw new TenantArchiveException($"The archive has no {file.Path}");
            if (entry.Length != file.Size)
            {
                throw new TenantArchiveException($"{file.Path} holds {entry.Length} bytes, files.json says {file.Size}");
            }
        }

        var documentIds = new HashSet<Guid>();
        foreach (var document in documents)
        {
            if (document is null || !documentIds.Add(document.Id))
            {
                throw new TenantArchiveException("documents.json lists a document twice (or an empty one)");
            }

            if (string.IsNullOrWhiteSpace(document.Filename) || document.Filename.Length > Document.FilenameMaxLength
                || string.IsNullOrWhiteSpace(document.MimeType) || document.MimeType.Length > Document.MimeTypeMaxLength)
            {
                throw new TenantArchiveException($"documents.json: document {document.Id} has no valid filename or mime_type");
            }

            if (!fileIds.Contains(document.FileId))
            {
                throw new TenantArchiveException($"documents.json: document {document.Id} refers to file {document.FileId}, which files.json does not list");
            }
        }

        foreach (var member in members)
        {
            if (member is null || member.Role is not ("admin" or "user" or "viewer"))
            {
                throw new TenantArchiveException("members.json lists a member without a valid role (admin, user, viewer)");
            }
        }
    }
}
