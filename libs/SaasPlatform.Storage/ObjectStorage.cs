using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SaasPlatform.Storage;

/// <summary>
/// The platform's one bucket, over any S3-compatible server (S3, MinIO, s3rver in development). Two clients: one
/// for the service's own calls (<c>Endpoint</c>) and one that only signs URLs for clients (<c>PublicEndpoint</c>),
/// because SigV4 signs the host and a URL cannot be re-pointed afterwards.
/// </summary>
public sealed partial class ObjectStorage : IDisposable
{
    private readonly AmazonS3Client _client;
    private readonly AmazonS3Client _publicSigner;
    private readonly ILogger<ObjectStorage> _logger;

    public ObjectStorage(StorageSettings settings, IOptions<StorageOptions> options, ILogger<ObjectStorage> logger)
    {
        Settings = settings;
        _logger = logger;
        PartSizeBytes = Math.Max(5 * 1024 * 1024, options.Value.PartSizeBytes);
        var credentials = new BasicAWSCredentials(settings.AccessKey, settings.SecretKey);
        _client = new AmazonS3Client(credentials, CreateConfig(settings.Endpoint, settings.Region));
        _publicSigner = new AmazonS3Client(credentials, CreateConfig(settings.PublicEndpoint, settings.Region));
    }

    public StorageSettings Settings { get; }

    public string Bucket => Settings.Bucket;

    public int PartSizeBytes { get; }

    private static AmazonS3Config CreateConfig(Uri endpoint, string region) => new()
    {
        ServiceURL = endpoint.ToString(),
        ForcePathStyle = true,
        AuthenticationRegion = region,
        // Only what S3 requires: the flexible checksums need aws-chunked trailers, which s3rver stores as content.
        RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
        ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        Timeout = TimeSpan.FromMinutes(5),
    };

    /// <summary>Creates the bucket when it does not exist (at start-up: the platform owns its bucket).</summary>
    public async Task EnsureBucketAsync(CancellationToken cancellationToken)
    {
        if (await BucketExistsAsync(cancellationToken))
        {
            return;
        }

        try
        {
            await _client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket }, cancellationToken);
            LogBucketCreated(Bucket);
        }
        catch (AmazonS3Exception e) when (e.ErrorCode is "BucketAlreadyOwnedByYou" or "BucketAlreadyExists")
        {
            // Created meanwhile by another service.
        }
    }

    public async Task<bool> BucketExistsAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, MaxKeys = 1 }, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task PutAsync(string key, ReadOnlyMemory<byte> content, string contentType, CancellationToken cancellationToken)
    {
        using var body = AsStream(content);
        await PutAsync(key, body, content.Length, contentType, cancellationToken);
    }

    /// <summary>
    /// One PUT of <paramref name="length"/> bytes read from <paramref name="body"/> (a seekable stream, e.g. a spool
    /// file; it is not closed). Sent with a Content-Length and no aws-chunked framing, and without the SDK's extra MD5
    /// pass: the SigV4 payload hash already lets the server verify the bytes.
    /// </summary>
    public async Task PutAsync(string key, Stream body, long length, string contentType, CancellationToken cancellationToken)
    {
        var request = new PutObjectRequest
        {
            BucketName = Bucket,
            Key = key,
            InputStream = body,
            ContentType = contentType,
            AutoCloseStream = false,
            AutoResetStreamPosition = false,
            UseChunkEncoding = false, // aws-chunked framing over http ends up inside the object on s3rver
            DisableDefaultChecksumValidation = true,
        };
        request.Headers.ContentLength = length;
        await _client.PutObjectAsync(request, cancellationToken);
    }

    /// <summary>The object's bytes as a stream, or null when there is no such object.</summary>
    public async Task<StoredObject?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _client.GetObjectAsync(Bucket, key, cancellationToken);
            return new StoredObject(response);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Up to <paramref name="count"/> first bytes (a range GET), or null when there is no such object.</summary>
    public async Task<byte[]?> ReadPrefixAsync(string key, int count, CancellationToken cancellationToken)
    {
        try
        {
            // The size first: s3rver answers a range past the end of a short object with a body that ends early.
            var size = (await _client.GetObjectMetadataAsync(Bucket, key, cancellationToken)).ContentLength;
            if (size == 0)
            {
                return [];
            }

            using var response = await _client.GetObjectAsync(new GetObjectRequest
            {
                BucketName = Bucket,
                Key = key,
                ByteRange = new ByteRange(0, Math.Min(count, size) - 1),
            }, cancellationToken);
            using var buffer = new MemoryStream(count);
            await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
            var bytes = buffer.ToArray();
            return bytes.Length > count ? bytes[..count] : bytes;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            return [];
        }
    }

    /// <summary>Deletes an object; a missing object is not an error (deletes are retried).</summary>
    public Task DeleteAsync(string key, CancellationToken cancellationToken) =>
        _client.DeleteObjectAsync(Bucket, key, cancellationToken);

    public async IAsyncEnumerable<StoredObjectInfo> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix };
        while (true)
        {
            var page = await _client.ListObjectsV2Async(request, cancellationToken);
            foreach (var item in page.S3Objects ?? [])
            {
                yield return new StoredObjectInfo(item.Key, item.Size ?? 0, item.LastModified?.ToUniversalTime() ?? DateTime.MinValue);
            }

            if (page.IsTruncated != true || string.IsNullOrEmpty(page.NextContinuationToken))
            {
                yield break;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    /// <summary>
    /// A GET URL signed for the public endpoint, valid for exactly <paramref name="lifetime"/> from its signing time,
    /// with the response headers the download should carry. Returns the URL and when it expires (UTC).
    /// </summary>
    public async Task<(Uri Url, DateTime ExpiresAtUtc)> PresignGetAsync(string key, TimeSpan lifetime, string? contentDisposition,
        string? contentType)
    {
        var wanted = (long)lifetime.TotalSeconds;
        var expires = DateTime.UtcNow + lifetime;
        for (var attempt = 0; ; attempt++)
        {
            var url = new Uri(await SignAsync(expires));
            var query = System.Web.HttpUtility.ParseQueryString(url.Query);
            var signedFor = long.Parse(query["X-Amz-Expires"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
            // The SDK turns the expiry into seconds left at its own signing time, which a slow moment can shift by one.
            if (signedFor == wanted || attempt == 3)
            {
                var signedAt = DateTime.ParseExact(query["X-Amz-Date"] ?? "", "yyyyMMdd'T'HHmmss'Z'",
                    System.Globalization.CultureInfo.InvariantCulture,
                    System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);
                return (url, signedAt.AddSeconds(signedFor));
            }

            expires = expires.AddSeconds(wanted - signedFor);
        }

        Task<string> SignAsync(DateTime expiresUtc)
        {
            var request = new GetPreSignedUrlRequest
            {
                BucketName = Bucket,
                Key = key,
                Verb = HttpVerb.GET,
                Expires = expiresUtc,
                Protocol = Settings.PublicEndpoint.Scheme == Uri.UriSchemeHttps ? Protocol.HTTPS : Protocol.HTTP,
            };
            if (contentDisposition is not null)
            {
                request.ResponseHeaderOverrides.ContentDisposition = contentDisposition;
            }

            if (contentType is not null)
            {
                request.ResponseHeaderOverrides.ContentType = contentType;
            }

            return _publicSigner.GetPreSignedURLAsync(request);
        }
    }

    /// <summary>
    /// Sends a local file (a seekable stream at its start: a spooled upload, an archive assembled in a temporary file)
    /// to <paramref name="key"/>: one PUT up to S3's single-request limit, parts beyond it. Overwrites what is there.
    /// </summary>
    public async Task PutFileAsync(string key, Stream file, long length, string contentType, CancellationToken cancellationToken)
    {
        if (length <= StagedContent.SinglePutLimit)
        {
            await PutAsync(key, file, length, contentType, cancellationToken);
        }
        else
        {
            await PutMultipartAsync(key, file, cancellationToken);
        }
    }

    /// <summary>
    /// Sends <paramref name="body"/> to its end as a multipart upload (content past the single-PUT limit). Each part is
    /// sent while the next one is read, so at most two part buffers exist at any moment.
    /// </summary>
    private async Task PutMultipartAsync(string key, Stream body, CancellationToken cancellationToken)
    {
        var uploadId = (await _client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = Bucket,
            Key = key,
            ContentType = "application/octet-stream",
        }, cancellationToken)).UploadId;
        byte[][] buffers = [ArrayPool<byte>.Shared.Rent(PartSizeBytes), ArrayPool<byte>.Shared.Rent(PartSizeBytes)];
        var parts = new List<PartETag>();
        Task<PartETag>? pending = null;
        try
        {
            for (var partNumber = 1; ; partNumber++)
            {
                // One part in flight (the other buffer), one being filled.
                var buffer = buffers[partNumber % 2];
                var length = await body.ReadAtLeastAsync(buffer.AsMemory(0, PartSizeBytes), PartSizeBytes, throwOnEndOfStream: false,
                    cancellationToken);
                if (pending is not null)
                {
                    parts.Add(await pending);
                    pending = null;
                }

                if (length == 0)
                {
                    break;
                }

                pending = UploadPartAsync(key, uploadId, partNumber, buffer.AsMemory(0, length), cancellationToken);
            }

            await _client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = key,
                UploadId = uploadId,
                PartETags = parts,
            }, cancellationToken);
        }
        catch
        {
            if (pending is not null)
            {
                // Let the part in flight finish with its buffer before the buffer goes back to the pool.
                await pending.ContinueWith(_ => { }, TaskScheduler.Default);
            }

            await AbortMultipartAsync(key, uploadId);
            throw;
        }
        finally
        {
            Array.ForEach(buffers, b => ArrayPool<byte>.Shared.Return(b));
        }
    }

    private async Task<PartETag> UploadPartAsync(string key, string uploadId, int partNumber, ReadOnlyMemory<byte> content,
        CancellationToken cancellationToken)
    {
        using var body = AsStream(content);
        var response = await _client.UploadPartAsync(new UploadPartRequest
        {
            BucketName = Bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = partNumber,
            InputStream = body,
            UseChunkEncoding = false,
            // The SigV4 payload hash already lets the server verify each part; the SDK's extra MD5 pass over the
            // part (to compare with the ETag) only costs CPU on the upload path.
            DisableDefaultChecksumValidation = true,
        }, cancellationToken);
        return new PartETag(partNumber, response.ETag);
    }

    /// <summary>Best effort: s3rver cannot abort, and a stale upload only costs space until a lifecycle rule ends it.</summary>
    private async Task AbortMultipartAsync(string key, string uploadId)
    {
        try
        {
            await _client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
            {
                BucketName = Bucket,
                Key = key,
                UploadId = uploadId,
            });
        }
        catch (AmazonServiceException e)
        {
            LogAbortFailed(key, e.ErrorCode);
        }
    }

    private static MemoryStream AsStream(ReadOnlyMemory<byte> content) =>
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(content, out var segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(content.ToArray(), writable: false);

    public void Dispose()
    {
        _client.Dispose();
        _publicSigner.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Created bucket {Bucket}")]
    private partial void LogBucketCreated(string bucket);

    [LoggerMessage(LogLevel.Debug, "Could not abort the multipart upload of {Key} ({ErrorCode})")]
    private partial void LogAbortFailed(string key, string errorCode);
}

/// <summary>An open object: its stream and what the server said about it. Dispose it.</summary>
public sealed class StoredObject(GetObjectResponse response) : IDisposable
{
    public Stream Content => response.ResponseStream;

    public long Length => response.ContentLength;

    public string? ContentType => response.Headers.ContentType;

    public void Dispose() => response.Dispose();
}

public sealed record StoredObjectInfo(string Key, long Size, DateTime LastModifiedUtc);
