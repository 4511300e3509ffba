using System.Diagnostics;
using Events.Worker.Features.TenantArchives;
using SaasPlatform.Messaging.Audit;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.Storage;

namespace Events.Worker.Features.Imports;

/// <summary>What an import did (the answer's <c>imported</c>).</summary>
public sealed record ImportSummary(
    Guid? SourceTenantId,
    Guid? SourceExportId,
    int Documents,
    int Files,
    int MembersAdded,
    IReadOnlyList<Guid> MembersSkipped,
    long AuditRecordsInArchive,
    double ElapsedSeconds);

/// <summary>
/// Creates a tenant from a checked archive (<see cref="TenantArchiveReader"/>): the tenant through Tenancy.Api with the
/// caller's token (the caller becomes its admin), then every file through the upload path's own pieces (hashed while
/// read from the archive by <see cref="StagedContent"/>, claimed by <see cref="FileClaims"/>, written only when new), the
/// documents with their ids, names, owners and times, and the members whose accounts exist here. A failure after the
/// tenant exists deletes what was stored and the tenant, so no half-imported tenant is left to its users
/// (docs/decisions/tenant-export-import.md).
/// </summary>
public sealed partial class TenantImporter(
    TenancyTenants tenancy, TenantDbContextFactory tenants, ObjectStorage storage, EventsDbContext events,
    TimeProvider time, ILogger<TenantImporter> logger)
{
    private const int DocumentBatch = 500;

    /// <summary>The new tenant (as Tenancy answered it) and the summary; or Tenancy's refusal to create it.</summary>
    public async Task<(JsonElement Tenant, ImportSummary? Summary, SaasPlatform.ServiceDefaults.Http.ApiError? Error)> ImportAsync(
        TenantArchiveReader archive, string name, string accessToken, Guid callerId, string? tempDirectory, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (tenant, error) = await tenancy.CreateAsync(accessToken, name, cancellationToken);
        if (error is not null)
        {
            return (default, null, error);
        }

        var tenantId = tenant.GetProperty("id").GetGuid();
        var databaseName = tenant.GetProperty("database_name").GetString()!;
        try
        {
            var skipped = new List<Guid>();
            var added = 0;
            foreach (var member in archive.Members.Where(m => m.UserId != callerId))
            {
                if (await tenancy.TryAddMemberAsync(accessToken, tenantId, member.UserId, member.Role, cancellationToken))
                {
                    added++;
                }
                else
                {
                    skipped.Add(member.UserId);
                }
            }

            await CopyContentAsync(archive, databaseName, tempDirectory, cancellationToken);

            var manifest = archive.Manifest;
            var summary = new ImportSummary(manifest.Tenant.Id, manifest.ExportId, archive.Documents.Count, archive.Files.Count,
                added, skipped, manifest.Counts.AuditRecords, Stopwatch.GetElapsedTime(started).TotalSeconds);
            events.EnqueueAudit(tenantId, callerId, AuditActions.TenantImported, "tenant", tenantId.ToString(),
                new { source_tenant_id = manifest.Tenant.Id, source_export_id = manifest.ExportId, documents = summary.Documents, files = summary.Files,
                      members_added = added, members_skipped = skipped.Count }, time);
            await events.SaveChangesAsync(cancellationToken);
            LogImported(tenantId, manifest.Tenant.Id, summary.Documents, summary.Files, added, summary.ElapsedSeconds * 1000);
            return (tenant, summary, null);
        }
        catch (Exception e)
        {
            LogImportFailed(e, tenantId, databaseName);
            await CleanUpAsync(accessToken, tenantId, databaseName);
            throw;
        }
    }

    private async Task CopyContentAsync(TenantArchiveReader archive, string databaseName, string? tempDirectory, CancellationToken cancellationToken)
    {
        await using var db = await tenants.CreateDbContextAsync(databaseName, cancellationToken);
        // Objects carry the type of the first document using them, as an upload would have stored them.
        var typeOfFile = archive.Documents.GroupBy(d => d.FileId).ToDictionary(g => g.Key, g => g.First().MimeType);
        var fileIds = new Dictionary<Guid, (Guid Id, long Size)>(archive.Files.Count);
        foreach (var file in archive.Files)
        {
            StagedContent content;
            try
            {
                await using var entry = archive.OpenFile(file);
                content = await StagedContent.ReadAsync(storage, entry, file.Size, cancellationToken, tempDirectory);
            }
            catch (Exception e) when (e is InvalidDataException or ContentTooLargeException)
            {
                throw new TenantArchiveException($"{file.Path} is damaged ({e.Message})");
            }

            await using (content)
            {
                if (content.Sha256 != file.Sha256 || content.Length != file.Size)
                {
                    throw new TenantArchiveException($"{file.Path} does not match the sha256 and size files.json gives it");
                }

                var candidate = new StoredFile
                {
                    Id = file.Id,
                    CreatedAt = file.CreatedAt,
                    UpdatedAt = file.CreatedAt,
                    CreatedBy = file.CreatedBy,
                    Md5Hash = content.Md5,
                    Sha256Hash = content.Sha256,
                    S3Path = StorageKeys.File(databaseName, content.Sha256),
                    FileSize = content.Length,
                };
                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                var claimed = await FileClaims.ClaimAsync(db, candidate, cancellationToken);
                if (claimed.Inserted)
                {
                    await content.WriteToAsync(candidate.S3Path, typeOfFile.GetValueOrDefault(file.Id, "application/octet-stream"), cancellationToken);
                }

                if (file.Metadata is { ValueKind: JsonValueKind.Object } metadata)
                {
                    var json = metadata.GetRawText();
                    await db.Database.ExecuteSqlAsync($"UPDATE files SET file_metadata = CAST({json} AS jsonb) WHERE id = {claimed.Id}", cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                fileIds[file.Id] = (claimed.Id, claimed.FileSize);
            }
        }

        foreach (var batch in archive.Documents.Chunk(DocumentBatch))
        {
            db.Documents.AddRange(batch.Select(d => new Document
            {
                Id = d.Id,
                Filename = d.Filename,
                MimeType = d.MimeType,
                FileId = fileIds[d.FileId].Id,
                FileSize = fileIds[d.FileId].Size,
                UserId = d.UserId,
                CreatedBy = d.CreatedBy,
                CreatedAt = d.CreatedAt,
                UpdatedAt = d.UpdatedAt,
            }));
            await db.SaveChangesAsync(cancellationToken);
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Best effort, whatever the request's state: the stored objects first, then the tenant itself.</summary>
    private async Task CleanUpAsync(string accessToken, Guid tenantId, string databaseName)
    {
        try
        {
            await foreach (var stored in storage.ListAsync(StorageKeys.TenantPrefix(databaseName), CancellationToken.None))
            {
                await storage.DeleteAsync(stored.Key, CancellationToken.None);
            }
        }
        catch (Exception e)
        {
            LogCleanUpFailed(e, tenantId, "objects");
        }

        try
        {
            await tenancy.DeleteAsync(accessToken, tenantId, CancellationToken.None);
        }
        catch (Exception e)
        {
            LogCleanUpFailed(e, tenantId, "tenant");
        }
    }

    [LoggerMessage(LogLevel.Information, "Tenant {TenantId} imported from tenant {SourceTenantId}: {Documents} documents, {Files} files, {Members} members added in {ElapsedMs:F0} ms")]
    private partial void LogImported(Guid tenantId, Guid sourceTenantId, int documents, int files, int members, double elapsedMs);

    [LoggerMessage(LogLevel.Warning, "Import into tenant {TenantId} ({Database}) failed; removing what it stored and the tenant")]
    private partial void LogImportFailed(Exception exception, Guid tenantId, string database);

    [LoggerMessage(LogLevel.Error, "Clean-up of the failed import into tenant {TenantId} left its {Part} behind")]
    private partial void LogCleanUpFailed(Exception exception, Guid tenantId, string part);
}
