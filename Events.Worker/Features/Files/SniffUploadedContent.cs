using SaasPlatform.Storage;

namespace Events.Worker.Features.Files;

/// <summary>
/// <c>document.uploaded</c>: reads the first bytes of the object (a range GET), detects the real type from its magic
/// numbers and records <c>{detected_mime_type, mime_mismatch}</c> in the file's <c>file_metadata</c>. Idempotent
/// (the same bytes give the same answer); a file or object already gone is nothing to do.
/// </summary>
internal sealed partial class SniffUploadedContent(
    TenantDbContextFactory tenants, ObjectStorage storage, OrphanCollection collection, IOptions<FileHandlingOptions> options,
    TimeProvider time, HandlingReport report, ILogger<SniffUploadedContent> logger) : IEventHandler
{
    public IReadOnlyCollection<string> Topics { get; } = [SaasPlatform.Messaging.Topics.DocumentUploaded];

    public async Task HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        var data = FileEvents.Read<DocumentUploaded>(platformEvent);
        if (data.FileId == Guid.Empty || string.IsNullOrEmpty(data.S3Path))
        {
            throw new PoisonEventException("document.uploaded without file_id or s3_path");
        }

        // Uploads are when staged objects appear; one a crash abandoned is stale after the retention: look then.
        var database = FileEvents.Database(data.DatabaseName, data.S3Path);
        collection.SweepLater(database, time.GetUtcNow() + options.Value.StagingRetention);

        var prefix = await storage.ReadPrefixAsync(data.S3Path, ContentSniffer.PrefixLength, cancellationToken);
        if (prefix is null)
        {
            report.Detail = "object gone (collected since)";
            return;
        }

        var detected = ContentSniffer.Detect(prefix);
        var mismatch = ContentSniffer.IsMismatch(data.MimeType ?? ContentSniffer.Unknown, detected);
        // A JsonElement goes to PostgreSQL as jsonb (a string would be text, which jsonb || does not take).
        var metadata = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["detected_mime_type"] = detected, ["mime_mismatch"] = mismatch });

        await using var db = await tenants.CreateDbContextAsync(database, cancellationToken);
        var updated = await db.Files.Where(f => f.Id == data.FileId)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.FileMetadata, f => TenantDbContext.JsonbConcat(f.FileMetadata, metadata)), cancellationToken);

        report.Detail = $"detected {detected}, declared {data.MimeType}, mismatch {mismatch}";
        if (mismatch && updated > 0)
        {
            LogMismatch(platformEvent.TenantId, data.DocumentId, data.FileId, data.MimeType, detected);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Document {DocumentId} of tenant {TenantId} declares {Declared} but file {FileId} looks like {Detected}")]
    private partial void LogMismatch(Guid? tenantId, Guid? documentId, Guid fileId, string? declared, string detected);
}

internal static class FileEvents
{
    public static T Read<T>(PlatformEvent platformEvent)
        where T : class
    {
        try
        {
            return platformEvent.DataAs<T>() ?? throw new PoisonEventException($"{platformEvent.EventType} without data");
        }
        catch (JsonException e)
        {
            throw new PoisonEventException($"{platformEvent.EventType} data is malformed", e);
        }
    }

    /// <summary>The tenant database: named in the event, or the second segment of a platform object key.</summary>
    public static string Database(string? databaseName, string? s3Path)
    {
        var name = databaseName;
        if (name is null && s3Path?.Split('/') is ["tenants", var fromKey, ..])
        {
            name = fromKey;
        }

        return TenantDatabaseName.IsValid(name) ? name! : throw new PoisonEventException("The event names no tenant database");
    }
}
