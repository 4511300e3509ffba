using System.Security.Cryptography;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>
/// Deterministic pseudo-random bytes of any length, generated on the fly (never held in memory), so a 150 MB upload
/// can be sent and its download compared byte for byte against a second generation of the same seed.
/// </summary>
internal sealed class GeneratedStream(long length, int seed) : Stream
{
    private readonly Random _random = new(seed);
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = (int)Math.Min(buffer.Length, length - _position);
        if (n <= 0)
        {
            return 0;
        }

        _random.NextBytes(buffer[..n]);
        _position += n;
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <summary>SHA-256 of the whole generated content (hex, lowercase).</summary>
    public static string Sha256(long length, int seed)
    {
        using var stream = new GeneratedStream(length, seed);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>Compares <paramref name="actual"/> with the generated content, byte for byte; returns the bytes compared.</summary>
    public static async Task<long> AssertSameAsync(Stream actual, long length, int seed)
    {
        using var expected = new GeneratedStream(length, seed);
        var a = new byte[1 << 20];
        var e = new byte[1 << 20];
        long compared = 0;
        while (true)
        {
            var read = await actual.ReadAtLeastAsync(a, a.Length, throwOnEndOfStream: false);
            var expectedRead = expected.ReadAtLeast(e, read == 0 ? 1 : read, throwOnEndOfStream: false);
            Assert.True(read == expectedRead, $"length differs near byte {compared}");
            if (read == 0)
            {
                return compared;
            }

            Assert.True(a.AsSpan(0, read).SequenceEqual(e.AsSpan(0, read)), $"content differs in the block at byte {compared}");
            compared += read;
        }
    }
}

/// <summary>HTTP content over <see cref="GeneratedStream"/> with a known length (so the request has Content-Length).</summary>
internal sealed class GeneratedContent(long length, int seed) : HttpContent
{
    protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context, CancellationToken cancellationToken)
    {
        await using var source = new GeneratedStream(length, seed);
        await source.CopyToAsync(stream, 256 * 1024, cancellationToken);
    }

    protected override bool TryComputeLength(out long length1)
    {
        length1 = length;
        return true;
    }
}
