namespace Documents.Api.Features.Files;

public static class DeleteFile
{
    public sealed record DeletedFile(Guid FileId, string Md5Hash, long FreedStorageBytes, double FreedStorageMb);

    /// <remarks>
    /// <c>DELETE /api/files/{tid}/files/{fid}</c> (admin): an orphaned file goes at once, row and object (D10). The row
    /// stays locked until the object is gone, so no upload can reuse it or write the same key meanwhile.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<DeletedFile>>, ApiError>> HandleAsync(
        Guid fileId, TenantScope tenant, ObjectStorage storage, OutboxSignal outboxSignal, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var db = await tenant.OpenDbAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var file = await db.Files.FromSql($"SELECT * FROM files WHERE id = {fileId} FOR UPDATE")
            .FirstOrDefaultAsync(cancellationToken);
        if (file is null)
        {
            return FileErrors.NotFound();
        }

        var documentCount = await db.Documents.CountAsync(d => d.FileId == fileId, cancellationToken);
        if (documentCount > 0)
        {
            return ApiError.BadRequest($"Cannot delete file: still referenced by {documentCount} documents");
        }

        db.Files.Remove(file);
        db.EnqueueAudit(tenant.TenantId, tenant.UserId, AuditActions.FileDeleted, "file", file.Id.ToString(),
            new { md5_hash = file.Md5Hash, sha256 = file.Sha256Hash, file_size = file.FileSize }, time);
        await db.SaveChangesAsync(cancellationToken);
        await storage.DeleteAsync(file.S3Path, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify(tenant.DatabaseName);

        return ApiResults.Ok("Orphaned file deleted successfully",
            new DeletedFile(file.Id, file.Md5Hash, file.FileSize, Math.Round(file.FileSize / 1048576.0, 2)));
    }
}
