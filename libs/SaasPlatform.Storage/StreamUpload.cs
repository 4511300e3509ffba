using System.Buffers;
using Amazon.S3.Model;

namespace SaasPlatform.Storage;

/// <summary>
/// Reads a stream of unknown length into storage with bounded memory. Content that fits in one part stays in
/// memory (the caller decides where it goes); anything bigger becomes a multipart upload whose parts are sent
/// while the next one is read, so at most two part buffers exist at any moment.
/// </summary>
internal sealed class StreamUpload : IAsyncDisposable
{
    private byte[]? _buffer;

    private StreamUpload(long length, byte[]? buffer, string? multipartKey)
    {
        Length = length;
        _buffer = buffer;
        MultipartKey = multipartKey;
    }

    public long Length { get; }

    /// <summary>The whole content, when it fitted in one part (nothing was written to storage).</summary>
    public ReadOnlyMemory<byte>? InMemory
    {
        get
        {
            // Not a conditional expression: null would become an empty Memory (byte[] converts implicitly).
            if (_buffer is null)
            {
                return null;
            }

            return new ReadOnlyMemory<byte>(_buffer, 0, (int)Length);
        }
    }

    /// <summary>The key the content was written to, when it did not fit in one part.</summary>
    public string? MultipartKey { get; }

    public static async Task<StreamUpload> ReadAsync(ObjectStorage storage, Stream source, string multipartKey, long maxBytes,
        Action<ReadOnlySpan<byte>>? observe, CancellationToken cancellationToken)
    {
        var reader = new LimitedReader(source, maxBytes, observe);
        var partSize = storage.PartSizeBytes;
        var pool = ArrayPool<byte>.Shared;

        var first = pool.Rent(partSize);
        byte[]? second = null;
        try
        {
            var firstLength = await reader.FillAsync(first, partSize, cancellationToken);
            if (firstLength < partSize)
            {
                return Keep(ref first, firstLength);
            }

            second = pool.Rent(partSize);
            var secondLength = await reader.FillAsync(second, partSize, cancellationToken);
            if (secondLength == 0)
            {
                return Keep(ref first, firstLength);
            }

            await MultipartAsync(storage, reader, multipartKey, first, second, secondLength, partSize, cancellationToken);
            return new StreamUpload(reader.Total, null, multipartKey);
        }
        finally
        {
            if (first is not null)
            {
                pool.Return(first);
            }

            if (second is not null)
            {
                pool.Return(second);
            }
        }
    }

    private static StreamUpload Keep(ref byte[]? buffer, int length)
    {
        var upload = new StreamUpload(length, buffer, null);
        buffer = null; // ownership moves to the upload
        return upload;
    }

    /// <summary><paramref name="current"/> is a full first part; <paramref name="next"/> holds the bytes after it.</summary>
    private static async Task MultipartAsync(ObjectStorage storage, LimitedReader reader, string key, byte[] current, byte[] next,
        int nextLength, int partSize, CancellationToken cancellationToken)
    {
        var uploadId = await storage.InitiateMultipartAsync(key, cancellationToken);
        var parts = new List<PartETag>();
        Task<PartETag>? pending = null;
        try
        {
            var partNumber = 1;
            pending = storage.UploadPartAsync(key, uploadId, partNumber++, current.AsMemory(0, partSize), cancellationToken);
            var spare = current;
            var buffer = next;
            var length = nextLength;
            while (length > 0)
            {
                // One part in flight, one being filled: wait for the flight before its buffer is reused.
                parts.Add(await pending);
                pending = null;
                pending = storage.UploadPartAsync(key, uploadId, partNumber++, buffer.AsMemory(0, length), cancellationToken);
                if (length < partSize)
                {
                    break; // a short read only happens at the end
                }

                (spare, buffer) = (buffer, spare);
                length = await reader.FillAsync(buffer, partSize, cancellationToken);
            }

            parts.Add(await pending);
            pending = null;
            await storage.CompleteMultipartAsync(key, uploadId, parts, cancellationToken);
        }
        catch
        {
            if (pending is not null)
            {
                // Let the part in flight finish with its buffer before the buffer goes back to the pool.
                try
                {
                    await pending;
                }
                catch (Exception)
                {
                    // Reported by the original exception.
                }
            }

            await storage.AbortMultipartAsync(key, uploadId);
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Fills part buffers from the source, shows every byte to the observer, and stops past the limit.</summary>
    private sealed class LimitedReader(Stream source, long maxBytes, Action<ReadOnlySpan<byte>>? observe)
    {
        public long Total { get; private set; }

        public async Task<int> FillAsync(byte[] buffer, int count, CancellationToken cancellationToken)
        {
            var filled = 0;
            while (filled < count)
            {
                var read = await source.ReadAsync(buffer.AsMemory(filled, count - filled), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                observe?.Invoke(buffer.AsSpan(filled, read));
                filled += read;
                Total += read;
                if (Total > maxBytes)
                {
                    throw new ContentTooLargeException(maxBytes);
                }
            }

            return filled;
        }
    }
}

/// <summary>The content went past the size limit; nothing of it is kept.</summary>
public sealed class ContentTooLargeException(long limitBytes)
    : Exception($"Content exceeds the limit of {limitBytes} bytes")
{
    public long LimitBytes { get; } = limitBytes;
}
