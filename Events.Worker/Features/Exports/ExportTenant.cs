using System.Diagnostics;
using Events.Worker.Features.TenantArchives;
using SaasPlatform.Messaging.Audit;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.Storage;

namespace Events.Worker.Features.Exports;

/// <summary>
/// <c>tenant.export_requested</c>: writes the tenant's archive (<see cref="TenantArchiveFormat"/>) into a temporary
/// file, streaming every stored object into it, then sends the file to the export's key. Memory stays flat: one
/// object's stream and the JSON writer's buffer at a time. A crash or a failure runs the whole export again on the next
/// delivery (Kafka redelivers what was not committed), overwriting the same key; the status row says
/// <c>running</c> or <c>failed</c> meanwhile. Once the object is stored, the <c>ready</c> row, the
/// <c>tenant.export_completed</c> audit event (the live notification) and the admin's <c>email.requested</c> commit
/// with the inbox row, so the admin is told exactly once (docs/decisions/tenant-export-import.md).
/// </summary>
internal sealed partial class ExportTenant(
    EventsDbContext events, TenantDbContextFactory tenants, ObjectStorage storage, PlatformDirectory directory,
    IOptions<TenantArchiveOptions> options, HandlingReport report, TimeProvider time, ILogger<ExportTenant> logger)
    : IEventHandler
{
    public const string EmailTemplate = "tenant-export-ready";

    public IReadOnlyCollection<string> Topics { get; } = [SaasPlatform.Messaging.Topics.TenantExportRequested];

    public async Task HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        var exportId = platformEvent.DataAs<TenantExportRequested>()?.ExportId
            ?? throw new PoisonEventException("tenant.export_requested without an export_id");
        var export = await events.TenantExports.SingleOrDefaultAsync(e => e.Id == exportId, cancellationToken);
        if (export is null)
        {
            report.Detail = $"export {exportId} unknown";
            return;
        }

        if (export.Status == TenantExportStatus.Ready)
        {
            report.Detail = $"export {exportId} already ready";
            return;
        }

        export.Status = TenantExportStatus.Running;
        export.StartedAt = time.GetUtcNow();
        export.Attempts++;
        export.Error = null;
        await events.SaveChangesAsync(cancellationToken);

        var started = Stopwatch.GetTimestamp();
        ArchiveCounts counts;
        try
        {
            await using var file = options.Value.CreateTempFile();
            counts = await WriteArchiveAsync(export, file, cancellationToken);
            file.Position = 0;
            await storage.PutFileAsync(export.ObjectKey, file, file.Length, "application/zip", cancellationToken);
            export.SizeBytes = file.Length;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            export.Status = TenantExportStatus.Failed;
            export.Error = e.Message.Length > 2000 ? e.Message[..2000] : e.Message;
            await events.SaveChangesAsync(CancellationToken.None);
            throw; // retried, then dead-lettered; the row stays failed if no attempt succeeds
        }

        export.Status = TenantExportStatus.Ready;
        export.DocumentCount = counts.Documents;
        export.FileCount = counts.Files;
        export.CompletedAt = time.GetUtcNow();
        // Left unsaved: committed with this event's inbox row (EventDispatcher), so the notifications go out once.
        events.EnqueueAudit(export.TenantId, export.RequestedBy, AuditActions.TenantExportCompleted, "tenant_export", export.Id.ToString(),
            new { export_id = export.Id, size_bytes = export.SizeBytes, documents = counts.Documents, files = counts.Files }, time);
        await RequestEmailAsync(export, cancellationToken);

        var elapsed = Stopwatch.GetElapsedTime(started);
        report.Detail = $"export {export.Id}: {counts.Documents} documents, {counts.Files} files, {export.SizeBytes} bytes in {elapsed.TotalSeconds:F1} s";
        LogExported(export.TenantId, export.Id, counts.Documents, counts.Files, export.SizeBytes ?? 0, elapsed.TotalMilliseconds);
    }

    private async Task<ArchiveCounts> WriteArchiveAsync(TenantExport export, Stream destination, CancellationToken cancellationToken)
    {
        var members = await directory.ListMembersAsync(export.TenantId, cancellationToken);
        await using var db = await tenants.CreateDbContextAsync(export.DatabaseName, cancellationToken);
        // Files that documents use: an orphan waiting for the collector is not part of the tenant any more.
        var files = await db.Files.AsNoTracking().Where(f => f.Documents.Any()).OrderBy(f => f.CreatedAt).ThenBy(f => f.Id)
            .Select(f => new { f.Id, f.Sha256Hash, f.Md5Hash, f.FileSize, f.FileMetadata, f.CreatedAt, f.CreatedBy, f.S3Path })
            .ToListAsync(cancellationToken);

        await using var archive = new TenantArchiveWriter(destination);
        var listed = new List<ArchiveFile>(files.Count);
        long contentBytes = 0;
        foreach (var file in files)
        {
            using var stored = await storage.OpenReadAsync(file.S3Path, cancellationToken)
                ?? throw new InvalidOperationException($"File {file.Id} has no object at {file.S3Path}");
            await archive.AddFileAsync(file.Sha256Hash, stored.Content, cancellationToken);
            contentBytes += file.FileSize;
            listed.Add(new ArchiveFile(file.Id, file.Sha256Hash, file.Md5Hash, file.FileSize, ParseMetadata(file.FileMetadata),
                file.CreatedAt, file.CreatedBy, TenantArchiveFormat.FileEntry(file.Sha256Hash)));
        }

        await archive.AddJsonArrayAsync(TenantArchiveFormat.FilesEntry, listed, cancellationToken);
        var documents = (int)await archive.AddJsonArrayAsync(TenantArchiveFormat.DocumentsEntry,
            db.Documents.AsNoTracking().OrderBy(d => d.CreatedAt).ThenBy(d => d.Id)
                .Select(d => new ArchiveDocument(d.Id, d.Filename, d.MimeType, d.FileId, d.UserId, d.CreatedAt, d.UpdatedAt, d.CreatedBy))
                .AsAsyncEnumerable(), cancellationToken);
        await archive.AddJsonArrayAsync(TenantArchiveFormat.MembersEntry, members, cancellationToken);
        var tenantId = export.TenantId;
        var auditRecords = await archive.AddJsonArrayAsync(TenantArchiveFormat.AuditLogEntry,
            events.AuditRecords.AsNoTracking().Where(a => a.TenantId == tenantId).OrderBy(a => a.OccurredAt).ThenBy(a => a.Id)
                .AsAsyncEnumerable()
                .Select(a => new ArchiveAuditEntry(a.Id, a.UserId, a.Action, a.ResourceType, a.ResourceId, a.Details?.RootElement.Clone(), a.OccurredAt)),
            cancellationToken);

        var counts = new ArchiveCounts(listed.Count, documents, members.Count, auditRecords, contentBytes);
        await archive.AddManifestAsync(new ArchiveManifest(TenantArchiveFormat.Version, TenantArchiveFormat.Kind, export.Id,
            time.GetUtcNow(), new ArchiveTenant(export.TenantId, export.TenantName), counts), cancellationToken);
        return counts;
    }

    private async Task RequestEmailAsync(TenantExport export, CancellationToken cancellationToken)
    {
        var to = await directory.FindEmailAsync(export.RequestedBy, cancellationToken);
        if (to is null)
        {
            return; // the admin is gone: the audit event still tells the tenant's live feed
        }

        var (url, expiresAt) = await storage.PresignGetAsync(export.ObjectKey, options.Value.LinkLifetime,
            $"attachment; filename=\"tenant-export-{export.Id:N}.zip\"", "application/zip");
        events.EnqueueEvent(SaasPlatform.Messaging.Topics.EmailRequested, export.TenantId, export.RequestedBy,
            new EmailRequested(to, EmailTemplate, new Dictionary<string, string>
            {
                ["tenant_name"] = export.TenantName,
                ["download_url"] = url.AbsoluteUri,
                ["export_url"] = $"/api/tenants/{export.TenantId}/exports/{export.Id}",
                ["expires_at"] = IsoTimestampConverter.Format(new DateTimeOffset(expiresAt, TimeSpan.Zero)),
                ["document_count"] = (export.DocumentCount ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
            }), time);
    }

    private static System.Text.Json.JsonElement? ParseMetadata(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json);
        return document.RootElement.Clone();
    }

    [LoggerMessage(LogLevel.Information, "Tenant {TenantId} exported ({ExportId}): {Documents} documents, {Files} files, {Bytes} bytes in {ElapsedMs:F0} ms")]
    private partial void LogExported(Guid tenantId, Guid exportId, int documents, int files, long bytes, double elapsedMs);
}
