using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace SaasPlatform.Storage;

/// <summary>
/// Content read from a client, hashed on the way (SHA-256 and MD5), whose final key is only known once it has been
/// read in full. Small content stays in memory; bigger content is spooled to a local temporary file (deleted when
/// this is disposed, or by the OS if the process dies), so memory stays flat whatever the size.
/// <see cref="WriteToAsync"/> then sends it to its content-addressed key in one PUT, and only when the caller's claim
/// (<see cref="FileClaims"/>) says the bytes are new: a duplicate never reaches storage
/// (docs/decisions/upload-spooling.md).
/// </summary>
public sealed class StagedContent : IAsyncDisposable
{
    /// <summary>Content up to this size stays in memory.</summary>
    public const int InMemoryLimit = 1024 * 1024;

    /// <summary>A single PUT carries at most 5 GiB (S3's limit); anything bigger goes in parts from the spool file.</summary>
    public const long SinglePutLimit = 5L * 1024 * 1024 * 1024;

    private const int BufferSize = 256 * 1024;

    private readonly ObjectStorage _storage;
    private byte[]? _memory;
    private FileStream? _spool;

    private StagedContent(ObjectStorage storage, byte[]? memory, FileStream? spool, long length, string sha256, string md5)
    {
        _storage = storage;
        _memory = memory;
        _spool = spool;
        Length = length;
        Sha256 = sha256;
        Md5 = md5;
    }

    /// <summary>Lowercase hex.</summary>
    public string Sha256 { get; }

    /// <summary>Lowercase hex.</summary>
    public string Md5 { get; }

    public long Length { get; }

    /// <summary>
    /// Reads <paramref name="source"/> to its end. Throws <see cref="ContentTooLargeException"/> past
    /// <paramref name="maxBytes"/> (nothing is left behind). <paramref name="spoolDirectory"/> defaults to the
    /// system's temporary folder (<c>TMPDIR</c>).
    /// </summary>
    public static async Task<StagedContent> ReadAsync(ObjectStorage storage, Stream source, long maxBytes,
        CancellationToken cancellationToken, string? spoolDirectory = null)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
#pragma warning disable CA5351 // MD5 is a returned checksum (contract), never the identity of a file
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        MemoryStream? memory = new();
        FileStream? spool = null;
        long total = 0;
        try
        {
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
            {
                total += read;
                if (total > maxBytes)
                {
                    throw new ContentTooLargeException(maxBytes);
                }

                var chunk = buffer.AsSpan(0, read);
                sha256.AppendData(chunk);
                md5.AppendData(chunk);
                if (spool is null && total > InMemoryLimit)
                {
                    spool = CreateSpool(spoolDirectory);
                    memory!.Position = 0;
                    memory.CopyTo(spool);
                    memory = null;
                }

                // Writes land in the page cache: cheaper done inline than handed to another thread.
                if (spool is not null)
                {
                    spool.Write(chunk);
                }
                else
                {
                    memory!.Write(chunk);
                }
            }

            var content = new StagedContent(storage, spool is null ? memory!.ToArray() : null, spool, total,
                Convert.ToHexStringLower(sha256.GetHashAndReset()), Convert.ToHexStringLower(md5.GetHashAndReset()));
            spool = null; // ownership moves to the content
            return content;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (spool is not null)
            {
                await spool.DisposeAsync();
            }
        }
    }

    /// <summary>Writes the content at <paramref name="key"/>: one PUT (from memory or the spool file).</summary>
    public async Task WriteToAsync(string key, string contentType, CancellationToken cancellationToken)
    {
        if (_memory is { } bytes)
        {
            await _storage.PutAsync(key, bytes, contentType, cancellationToken);
            return;
        }

        var spool = _spool ?? throw new ObjectDisposedException(nameof(StagedContent));
        spool.Position = 0;
        await _storage.PutFileAsync(key, spool, Length, contentType, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _memory = null;
        if (Interlocked.Exchange(ref _spool, null) is { } spool)
        {
            await spool.DisposeAsync(); // DeleteOnClose removes the file
        }
    }

    private static FileStream CreateSpool(string? directory)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose | FileOptions.SequentialScan,
            BufferSize = 0, // the caller's buffer is large already
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // tenant bytes: owner only
        }

        return new FileStream(Path.Combine(directory ?? Path.GetTempPath(), $"saas-upload-{Guid.NewGuid():N}.tmp"), options);
    }
}

/// <summary>The content went past the size limit; nothing of it is kept.</summary>
public sealed class ContentTooLargeException(long limitBytes) : Exception($"Content exceeds the limit of {limitBytes} bytes");
