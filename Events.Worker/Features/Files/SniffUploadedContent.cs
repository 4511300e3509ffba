using System.Text.Json;
using Events.Worker.Consuming;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Handling;
using SaasPlatform.Storage;
using SaasPlatform.TenantConnections;

namespace Events.Worker.Features.Files;

/// <summary>
/// <c>document.uploaded</c>: reads the first bytes of the object (a range GET), detects the real type from its magic
/// numbers and records <c>{detected_mime_type, mime_mismatch}</c> in the file's <c>file_metadata</c>. Idempotent
/// (the same bytes give the same answer); a file or object already gone is nothing to do.
/// </summary>
internal sealed partial class SniffUploadedContent(
    TenantDataSources tenants, ObjectStorage storage, OrphanCollection collection, IOptions<FileHandlingOptions> options,
    TimeProvider time, HandlingReport report, ILogger<SniffUploadedContent> logger) : IEventHandler
{
    public IReadOnlyCollection<string> Topics { get; } = [SaasPlatform.Messaging.Topics.DocumentUploaded];

    public async Task HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        var data = FileEvents.Read(platformEvent);
        if (data.FileId is not { } fileId || string.IsNullOrEmpty(data.S3Path))
        {
            throw new PoisonEventException("document.uploaded without file_id or s3_path");
        }

        // Uploads are when staged objects appear; one a crash abandoned is stale after the retention: look then.
        var database = FileEvents.Database(data);
        collection.SweepLater(database, time.GetUtcNow() + options.Value.StagingRetention);

        var prefix = await storage.ReadPrefixAsync(data.S3Path, ContentSniffer.PrefixLength, cancellationToken);
        if (prefix is null)
        {
            report.Detail = "object gone (collected since)";
            return;
        }

        var detected = ContentSniffer.Detect(prefix);
        var mismatch = ContentSniffer.IsMismatch(data.MimeType ?? ContentSniffer.Unknown, detected);
        var metadata = JsonSerializer.Serialize(new Dictionary<string, object> { ["detected_mime_type"] = detected, ["mime_mismatch"] = mismatch });

        using var lease = await tenants.RentAsync(database, cancellationToken);
        await using var command = lease.DataSource.CreateCommand(
            "UPDATE files SET file_metadata = coalesce(file_metadata, '{}'::jsonb) || $2 WHERE id = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = fileId });
        command.Parameters.Add(new NpgsqlParameter { Value = metadata, NpgsqlDbType = NpgsqlDbType.Jsonb });
        var updated = await command.ExecuteNonQueryAsync(cancellationToken);

        report.Detail = $"detected {detected}, declared {data.MimeType}, mismatch {mismatch}";
        if (mismatch && updated > 0)
        {
            LogMismatch(platformEvent.TenantId, data.DocumentId, fileId, data.MimeType, detected);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Document {DocumentId} of tenant {TenantId} declares {Declared} but file {FileId} looks like {Detected}")]
    private partial void LogMismatch(Guid? tenantId, Guid? documentId, Guid fileId, string? declared, string detected);
}

internal static class FileEvents
{
    public static FileEventData Read(PlatformEvent platformEvent)
    {
        try
        {
            return platformEvent.DataAs<FileEventData>() ?? throw new PoisonEventException($"{platformEvent.EventType} without data");
        }
        catch (JsonException e)
        {
            throw new PoisonEventException($"{platformEvent.EventType} data is malformed", e);
        }
    }

    /// <summary>The tenant database: named in the event, or the second segment of a platform object key.</summary>
    public static string Database(FileEventData data)
    {
        var name = data.DatabaseName;
        if (name is null && data.S3Path?.Split('/') is ["tenants", var fromKey, ..])
        {
            name = fromKey;
        }

        return TenantDatabaseName.IsValid(name) ? name! : throw new PoisonEventException("The event names no tenant database");
    }
}
