using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace SaasPlatform.TenantData.Storage;

/// <summary>
/// Content read from a client, hashed on the way (SHA-256 and MD5), whose final key is only known now that it has
/// been read in full. Small content is still in memory; bigger content sits under a staging key. Either way
/// <see cref="WriteToAsync"/> puts it at its content-addressed key, and disposing releases the memory and deletes
/// the staged object, whatever happened in between.
/// </summary>
public sealed partial class StagedContent : IAsyncDisposable
{
    private readonly ObjectStorage _storage;
    private readonly StreamUpload _upload;
    private readonly ILogger _logger;

    private StagedContent(ObjectStorage storage, StreamUpload upload, string sha256, string md5, ILogger logger)
    {
        _storage = storage;
        _upload = upload;
        _logger = logger;
        Sha256 = sha256;
        Md5 = md5;
    }

    /// <summary>Lowercase hex.</summary>
    public string Sha256 { get; }

    /// <summary>Lowercase hex.</summary>
    public string Md5 { get; }

    public long Length => _upload.Length;

    /// <summary>The staging key when the content went to storage before its hash was known; null when in memory.</summary>
    public string? StagingKey => _upload.MultipartKey;

    /// <summary>
    /// Reads <paramref name="source"/> to its end. Throws <see cref="ContentTooLargeException"/> past
    /// <paramref name="maxBytes"/> (nothing is left behind).
    /// </summary>
    public static async Task<StagedContent> ReadAsync(ObjectStorage storage, Stream source, string stagingKey, long maxBytes,
        ILogger logger, CancellationToken cancellationToken)
    {
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
#pragma warning disable CA5351 // MD5 is a returned checksum (contract), never the identity of a file
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
#pragma warning restore CA5351
        var upload = await StreamUpload.ReadAsync(storage, source, stagingKey, maxBytes, bytes =>
        {
            sha256.AppendData(bytes);
            md5.AppendData(bytes);
        }, cancellationToken);
        return new StagedContent(storage, upload,
            Convert.ToHexStringLower(sha256.GetHashAndReset()), Convert.ToHexStringLower(md5.GetHashAndReset()), logger);
    }

    /// <summary>Writes the content at <paramref name="key"/>: a PUT from memory, or a copy of the staged object.</summary>
    public async Task WriteToAsync(string key, string contentType, CancellationToken cancellationToken)
    {
        if (_upload.InMemory is { } content)
        {
            await _storage.PutAsync(key, content, contentType, cancellationToken);
        }
        else
        {
            await _storage.CopyAsync(StagingKey!, key, contentType, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _upload.DisposeAsync();
        if (StagingKey is { } staged)
        {
            try
            {
                await _storage.DeleteAsync(staged, CancellationToken.None);
            }
            catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or HttpRequestException or IOException)
            {
                // The collector's sweep removes stale staging objects.
                LogStagingDeleteFailed(staged, e);
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Could not delete staged object {Key}")]
    private partial void LogStagingDeleteFailed(string key, Exception exception);
}
