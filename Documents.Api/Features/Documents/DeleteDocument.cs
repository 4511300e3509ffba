using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Events;
using SaasPlatform.TenancyClient;

namespace Documents.Api.Features.Documents;

public static class DeleteDocument
{
    public sealed record DeletedDocument(Guid DeletedDocumentId, bool FileOrphaned);

    public enum Outcome
    {
        Deleted,
        NotFound,
        Forbidden,
    }

    /// <remarks>
    /// <c>DELETE /api/tenants/{tid}/documents/{did}</c>: users delete their own documents, admins any (D4). When the
    /// file loses its last document it is marked orphaned in the same transaction (D10); the collector in
    /// Events.Worker removes it and its object after the grace period unless a document comes back first.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<DeletedDocument>>, ApiError>> HandleAsync(
        Guid documentId, TenantScope tenant, OutboxSignal outboxSignal, TimeProvider time, CancellationToken cancellationToken)
    {
        var db = await tenant.OpenDbAsync(cancellationToken);
        var (outcome, orphaned) = await DeleteOneAsync(db, tenant, documentId, time, cancellationToken);
        switch (outcome)
        {
            case Outcome.NotFound:
                return DocumentErrors.NotFound();
            case Outcome.Forbidden:
                return ApiError.Forbidden("You can only delete your own documents");
        }

        outboxSignal.Notify(tenant.DatabaseName);
        return ApiResults.Ok("Document deleted successfully", new DeletedDocument(documentId, orphaned));
    }

    /// <summary>
    /// Deletes one document in a transaction of its own, with every side effect of a delete: the file orphaned when it
    /// loses its last document, the <c>document.deleted</c> event and the audit record. The single and the bulk delete
    /// both go through here; the caller signals the outbox once it is done.
    /// </summary>
    public static async Task<(Outcome Outcome, bool FileOrphaned)> DeleteOneAsync(
        TenantDbContext db, TenantScope tenant, Guid documentId, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = tenant.UserId;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == documentId, cancellationToken);
        if (document is null)
        {
            return (Outcome.NotFound, false);
        }

        if (tenant.Role != TenantRole.Admin && document.UserId != userId)
        {
            db.Entry(document).State = EntityState.Detached;
            return (Outcome.Forbidden, false);
        }

        // Lock the file first: an upload reusing it concurrently either commits before (and the file keeps a
        // document) or waits and clears orphaned_at after.
        await db.Database.ExecuteSqlAsync($"SELECT 1 FROM files WHERE id = {document.FileId} FOR UPDATE", cancellationToken);
        db.Documents.Remove(document);
        await db.SaveChangesAsync(cancellationToken);
        var orphaned = await db.Database.ExecuteSqlAsync($"""
            UPDATE files SET orphaned_at = {time.GetUtcNow()}
            WHERE id = {document.FileId} AND NOT EXISTS (SELECT 1 FROM documents WHERE file_id = {document.FileId})
            """, cancellationToken) == 1;

        db.EnqueueEvent(Topics.DocumentDeleted, tenant.TenantId, userId,
            new DocumentDeleted(document.Id, document.FileId, orphaned, tenant.DatabaseName), time);
        db.EnqueueAudit(tenant.TenantId, userId, AuditActions.DocumentDeleted, "document", document.Id.ToString(),
            new { filename = document.Filename, file_id = document.FileId, file_orphaned = orphaned }, time);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // Nothing tracked outlives the delete: a bulk delete runs many through one context.
        db.ChangeTracker.Clear();
        return (Outcome.Deleted, orphaned);
    }
}
