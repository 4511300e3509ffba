namespace SaasPlatform.Bench;

/// <summary>
/// <paramref name="length"/> incompressible bytes from a seed (xorshift64*), generated while read: a 1 GB upload
/// without holding 1 GB. Seekable back to the start only (so HttpClient can compute the length and resend).
/// </summary>
public sealed class PseudoRandomStream(long length, ulong seed) : Stream
{
    private ulong _state = seed | 1;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public static byte[] Bytes(int length, ulong seed)
    {
        var bytes = new byte[length];
        using var stream = new PseudoRandomStream(length, seed);
        stream.ReadExactly(bytes);
        return bytes;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _position) & ~7;
        if (count == 0 && _position < length)
        {
            // The last few bytes (length not a multiple of 8).
            count = (int)Math.Min(buffer.Length, length - _position);
            Span<byte> tail = stackalloc byte[8];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(tail, Next());
            tail[..count].CopyTo(buffer);
            _position += count;
            return count;
        }

        var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(buffer[..count]);
        for (var i = 0; i < words.Length; i++)
        {
            words[i] = Next();
        }

        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override long Seek(long offset, SeekOrigin origin)
    {
        if (offset != 0 || origin == SeekOrigin.Current && _position != 0)
        {
            throw new NotSupportedException("Only a rewind to the start is supported");
        }

        if (origin == SeekOrigin.End)
        {
            throw new NotSupportedException("Only a rewind to the start is supported");
        }

        _state = seed | 1;
        _position = 0;
        return 0;
    }

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private ulong Next()
    {
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        return _state * 0x2545F4914F6CDD1DUL;
    }
}
