using System.Data.Common;

namespace SaasPlatform.Storage;

/// <summary>
/// The <c>storage</c> connection string: <c>Endpoint</c> (what the services call), <c>PublicEndpoint</c> (what
/// presigned URLs are signed for, so clients outside the cluster can use them), keys, bucket and region.
/// </summary>
public sealed record StorageSettings(
    Uri Endpoint, Uri PublicEndpoint, string AccessKey, string SecretKey, string Bucket, string Region)
{
    public const string ConnectionName = "storage";

    public static StorageSettings Parse(string connectionString)
    {
        var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
        string Get(string key) => parts.TryGetValue(key, out var value) && value is string s && s.Length > 0
            ? s
            : throw new InvalidOperationException($"The storage connection string has no {key}");
        string? Optional(string key) => parts.TryGetValue(key, out var value) && value is string { Length: > 0 } s ? s : null;

        var endpoint = new Uri(Get("Endpoint"), UriKind.Absolute);
        var publicEndpoint = Optional("PublicEndpoint") is { } p ? new Uri(p, UriKind.Absolute) : endpoint;
        return new StorageSettings(endpoint, publicEndpoint, Get("AccessKey"), Get("SecretKey"), Get("Bucket"),
            Optional("Region") ?? "us-east-1");
    }
}

/// <summary>Tuning that is not part of the connection: <c>Storage</c> section.</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>Multipart part size. S3 needs at least 5 MiB for every part but the last; an upload holds ~2 parts.</summary>
    public int PartSizeBytes { get; set; } = 8 * 1024 * 1024;
}
