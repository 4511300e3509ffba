using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Events.Worker.Features.TenantArchives;

namespace SaasPlatform.UnitTests.Events.Worker;

/// <summary>The tenant archive format (docs/tenant-archive-format.md): what the writer produces the reader accepts, and what it refuses.</summary>
public sealed class TenantArchiveTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task What_the_writer_writes_the_reader_reads_back()
    {
        var (one, two) = (Encoding.UTF8.GetBytes("first file"), new byte[300_000]);
        Random.Shared.NextBytes(two);
        var files = new[] { File(one), File(two) };
        var documents = new[]
        {
            Document(files[0].Id, "a.txt"), Document(files[0].Id, "a-copy.txt"), Document(files[1].Id, "b.bin"),
        };
        var members = new[] { new ArchiveMember(Guid.NewGuid(), "admin", At), new ArchiveMember(Guid.NewGuid(), "viewer", At) };
        var audit = new[] { new ArchiveAuditEntry(Guid.NewGuid(), members[0].UserId, "document.uploaded", "document", documents[0].Id.ToString(), null, At) };

        using var stream = new MemoryStream();
        await using (var writer = new TenantArchiveWriter(stream))
        {
            await writer.AddFileAsync(files[0].Sha256, new MemoryStream(one), default);
            await writer.AddFileAsync(files[1].Sha256, new MemoryStream(two), default);
            Assert.Equal(2, await writer.AddJsonArrayAsync(TenantArchiveFormat.FilesEntry, files, default));
            Assert.Equal(3, await writer.AddJsonArrayAsync(TenantArchiveFormat.DocumentsEntry, documents, default));
            await writer.AddJsonArrayAsync(TenantArchiveFormat.MembersEntry, members, default);
            await writer.AddJsonArrayAsync(TenantArchiveFormat.AuditLogEntry, audit, default);
            await writer.AddManifestAsync(Manifest(new ArchiveCounts(2, 3, 2, 1, one.Length + two.Length)), default);
        }

        stream.Position = 0;
        using var reader = TenantArchiveReader.Open(stream);
        Assert.Equal(TenantArchiveFormat.Version, reader.Manifest.FormatVersion);
        Assert.Equal("Acme", reader.Manifest.Tenant.Name);
        Assert.Equal(files.Select(f => (f.Id, f.Sha256, f.Size)), reader.Files.Select(f => (f.Id, f.Sha256, f.Size)));
        Assert.Equal(documents.Select(d => (d.Id, d.Filename, d.FileId)), reader.Documents.Select(d => (d.Id, d.Filename, d.FileId)));
        Assert.Equal(members, reader.Members);
        await using var content = reader.OpenFile(reader.Files[1]);
        using var copy = new MemoryStream();
        await content.CopyToAsync(copy);
        Assert.Equal(two, copy.ToArray());
    }

    [Fact]
    public async Task The_manifest_is_snake_case_with_its_version()
    {
        using var stream = await ArchiveAsync(manifest: Manifest(new ArchiveCounts(0, 0, 0, 0, 0)));
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
        using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        Assert.Equal(1, manifest.RootElement.GetProperty("format_version").GetInt32());
        Assert.Equal("saasplatform.tenant-archive", manifest.RootElement.GetProperty("kind").GetString());
        Assert.Equal("Acme", manifest.RootElement.GetProperty("tenant").GetProperty("name").GetString());
    }

    [Fact]
    public void Not_a_zip_is_refused()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("this is not a zip file at all"));
        var error = Assert.Throws<TenantArchiveException>(() => TenantArchiveReader.Open(stream));
        Assert.Contains("ZIP", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_zip_without_manifest_is_refused()
    {
        using var stream = await ArchiveAsync(withManifest: false);
        var error = Assert.Throws<TenantArchiveException>(() => TenantArchiveReader.Open(stream));
        Assert.Contains("manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unsupported_format_version_is_refused()
    {
        using var stream = await ArchiveAsync(manifest: Manifest(new ArchiveCounts(0, 0, 0, 0, 0)) with { FormatVersion = 2 });
        var error = Assert.Throws<TenantArchiveException>(() => TenantArchiveReader.Open(stream));
        Assert.Contains("Unsupported archive format_version 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_kind_of_manifest_is_refused()
    {
        using var stream = await ArchiveAsync(manifest: Manifest(new ArchiveCounts(0, 0, 0, 0, 0)) with { Kind = "something.else" });
        Assert.Throws<TenantArchiveException>(() => TenantArchiveReader.Open(stream));
    }

    [Fact]
    public async Task A_document_whose_file_is_not_listed_is_refused()
    {
        using var stream = await ArchiveAsync(documents: [Document(Guid.NewGuid(), "lost.txt")]);
        var error = Assert.Throws<TenantArchiveException>(() => TenantArchiveReader.Open(stream));
        Assert.Contains("files.json does not list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_listed_file_without_its_bytes_or_with_other_sizes_is_refused()
    {
        var bytes = Encoding.UTF8.GetBytes("content");
        using var withoutBytes = await ArchiveAsync(files: [File(bytes)]);
        var missing = Assert.Throws<TenantArchiveException>(() => TenantArchiveReader.Open(withoutBytes));
        Assert.Contains("has no files/", missing.Message, StringComparison.Ordinal);

        var wrongSize = File(bytes) with { Size = 99 };
        using var stream = await ArchiveAsync(files: [wrongSize], contents: [(wrongSize.Sha256, bytes)]);
        var error = Assert.Throws<TenantArchiveException>(() => TenantArchiveReader.Open(stream));
        Assert.Contains("holds 7 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_metadata_json_is_refused()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using (var manifest = zip.CreateEntry("manifest.json").Open())
            {
                await JsonSerializer.SerializeAsync(manifest, Manifest(new ArchiveCounts(0, 0, 0, 0, 0)), Microsoft.Extensions.Hosting.Extensions.WireJson);
            }

            await using var files = zip.CreateEntry("files.json").Open();
            await files.WriteAsync("[{\"id\": not json"u8.ToArray());
        }

        stream.Position = 0;
        var error = Assert.Throws<TenantArchiveException>(() => TenantArchiveReader.Open(stream));
        Assert.Contains("files.json is not valid", error.Message, StringComparison.Ordinal);
    }

    private static ArchiveManifest Manifest(ArchiveCounts counts) =>
        new(TenantArchiveFormat.Version, TenantArchiveFormat.Kind, Guid.NewGuid(), At, new ArchiveTenant(Guid.NewGuid(), "Acme"), counts);

    private static ArchiveFile File(byte[] bytes)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
#pragma warning disable CA5351 // the archive carries the contract's MD5 checksum
        var md5 = Convert.ToHexStringLower(MD5.HashData(bytes));
#pragma warning restore CA5351
        return new ArchiveFile(Guid.NewGuid(), sha256, md5, bytes.Length, null, At, null, TenantArchiveFormat.FileEntry(sha256));
    }

    private static ArchiveDocument Document(Guid fileId, string name) =>
        new(Guid.NewGuid(), name, "text/plain", fileId, Guid.NewGuid(), At, At, null);

    /// <summary>An archive with the given parts (defaults: empty lists, a valid manifest).</summary>
    private static async Task<MemoryStream> ArchiveAsync(ArchiveManifest? manifest = null, bool withManifest = true,
        ArchiveFile[]? files = null, ArchiveDocument[]? documents = null, (string Sha256, byte[] Bytes)[]? contents = null)
    {
        var stream = new MemoryStream();
        await using (var writer = new TenantArchiveWriter(stream))
        {
            foreach (var (sha256, bytes) in contents ?? [])
            {
                await writer.AddFileAsync(sha256, new MemoryStream(bytes), default);
            }

            await writer.AddJsonArrayAsync(TenantArchiveFormat.FilesEntry, files ?? [], default);
            await writer.AddJsonArrayAsync(TenantArchiveFormat.DocumentsEntry, documents ?? [], default);
            await writer.AddJsonArrayAsync(TenantArchiveFormat.MembersEntry, Array.Empty<ArchiveMember>(), default);
            if (withManifest)
            {
                await writer.AddManifestAsync(manifest ?? Manifest(new ArchiveCounts(0, 0, 0, 0, 0)), default);
            }
        }

        stream.Position = 0;
        return stream;
    }
}
