using System.IO.Compression;

namespace Events.Worker.Features.TenantArchives;

/// <summary>
/// Writes a tenant archive (<see cref="TenantArchiveFormat"/>) entry by entry into a stream (a temporary file): file
/// bytes are copied through in 80 KiB chunks and stored uncompressed (documents are mostly compressed already), JSON
/// arrays are written element by element, so memory stays flat whatever the tenant's size. The manifest goes last,
/// once the counts are known; readers find entries through the central directory.
/// </summary>
public sealed class TenantArchiveWriter : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Json = Microsoft.Extensions.Hosting.Extensions.WireJson;
    private readonly ZipArchive _zip;

    public TenantArchiveWriter(Stream destination)
    {
        _zip = new ZipArchive(destination, ZipArchiveMode.Create, leaveOpen: true);
    }

    /// <summary>The bytes of one stored file, at <c>files/&lt;sha256&gt;</c>.</summary>
    public async Task AddFileAsync(string sha256, Stream content, CancellationToken cancellationToken)
    {
        if (!TenantArchiveFormat.IsSha256(sha256))
        {
            throw new ArgumentException("Expected a lowercase hex SHA-256", nameof(sha256));
        }

        var entry = _zip.CreateEntry(TenantArchiveFormat.FileEntry(sha256), CompressionLevel.NoCompression);
        await using var target = entry.Open();
        await content.CopyToAsync(target, cancellationToken);
    }

    /// <summary>A JSON array entry written as <paramref name="items"/> arrive; returns how many there were.</summary>
    public async Task<long> AddJsonArrayAsync<T>(string name, IAsyncEnumerable<T> items, CancellationToken cancellationToken)
    {
        var entry = _zip.CreateEntry(name, CompressionLevel.Fastest);
        await using var target = entry.Open();
        await using var writer = new Utf8JsonWriter(target);
        writer.WriteStartArray();
        long count = 0;
        await foreach (var item in items.WithCancellation(cancellationToken))
        {
            JsonSerializer.Serialize(writer, item, Json);
            if (++count % 256 == 0)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
        return count;
    }

    /// <summary>A JSON array entry of items already in memory.</summary>
    public Task<long> AddJsonArrayAsync<T>(string name, IEnumerable<T> items, CancellationToken cancellationToken) =>
        AddJsonArrayAsync(name, AsAsync(items), cancellationToken);

#pragma warning disable CS1998 // an iterator over items in memory: nothing to await
    private static async IAsyncEnumerable<T> AsAsync<T>(IEnumerable<T> items)
#pragma warning restore CS1998
    {
        foreach (var item in items)
        {
            yield return item;
        }
    }

    /// <summary>The manifest (written last, with the counts).</summary>
    public async Task AddManifestAsync(ArchiveManifest manifest, CancellationToken cancellationToken)
    {
        var entry = _zip.CreateEntry(TenantArchiveFormat.ManifestEntry, CompressionLevel.Fastest);
        await using var target = entry.Open();
        await JsonSerializer.SerializeAsync(target, manifest, Json, cancellationToken);
    }

    /// <summary>Writes the central directory; the destination stays open.</summary>
    public ValueTask DisposeAsync()
    {
        _zip.Dispose();
        return ValueTask.CompletedTask;
    }
}
