using System.IO.Compression;
using Documents.Api.Features.Documents;

namespace SaasPlatform.UnitTests.Documents.Api;

/// <summary>
/// The ZIP download writes through <see cref="SyncWriteBuffer"/> because ZipArchive still writes synchronously in
/// places, which Kestrel refuses. The sink here refuses synchronous I/O the same way.
/// </summary>
public sealed class SyncWriteBufferTests
{
    [Fact]
    public async Task A_zip_written_through_it_reaches_an_async_only_stream_whole_and_with_little_held_back()
    {
        var sink = new AsyncOnlyStream();
        var contents = new[] { new byte[3_000_000], new byte[10], new byte[500_000] };
        foreach (var content in contents)
        {
            Random.Shared.NextBytes(content);
        }

        await using (var output = new SyncWriteBuffer(sink))
        {
            await using (var archive = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null))
            {
                for (var i = 0; i < contents.Length; i++)
                {
                    await using (var entry = await archive.CreateEntry($"{i}.bin", CompressionLevel.Fastest).OpenAsync())
                    {
                        await new MemoryStream(contents[i]).CopyToAsync(entry, 64 * 1024);
                    }

                    await output.DrainAsync(CancellationToken.None);
                }
            }

            await output.DrainAsync(CancellationToken.None);
        }

        Assert.True(sink.LargestWrite < 256 * 1024, $"largest single write {sink.LargestWrite} bytes");
        using var read = new ZipArchive(new MemoryStream(sink.Written.ToArray()), ZipArchiveMode.Read);
        Assert.Equal(contents.Length, read.Entries.Count);
        for (var i = 0; i < contents.Length; i++)
        {
            using var copy = new MemoryStream();
            await using (var entry = await read.Entries[i].OpenAsync())
            {
                await entry.CopyToAsync(copy);
            }

            Assert.Equal(contents[i], copy.ToArray());
        }
    }

    private sealed class AsyncOnlyStream : Stream
    {
        public MemoryStream Written { get; } = new();

        public int LargestWrite { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override void Flush() => throw new InvalidOperationException("Synchronous operations are disallowed");

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Write(byte[] buffer, int offset, int count) => throw new InvalidOperationException("Synchronous operations are disallowed");

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written.Write(buffer.Span);
            LargestWrite = Math.Max(LargestWrite, buffer.Length);
            return ValueTask.CompletedTask;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
