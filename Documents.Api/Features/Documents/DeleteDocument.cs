using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Audit;
using SaasPlatform.Messaging.Events;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.TenancyClient;
using SaasPlatform.TenantSchema;

namespace Documents.Api.Features.Documents;

/// <summary>
/// <c>DELETE /api/tenants/{tid}/documents/{did}</c>: users delete their own documents, admins any (D4). When the
/// file loses its last document it is marked orphaned in the same transaction (D10); the collector in
/// Events.Worker removes it and its object after the grace period unless a document comes back first.
/// </summary>
public static class DeleteDocument
{
    public sealed record DeletedDocument(Guid DeletedDocumentId, bool FileOrphaned);

    public static async Task<Results<Ok<SuccessEnvelope<DeletedDocument>>, ApiError>> HandleAsync(
        string tenantId, Guid documentId, ClaimsPrincipal user, TenantAccessChecker checker, TenantDbContextFactory tenants,
        OutboxSignal outboxSignal, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = user.UserId();
        var access = await checker.RequireAsync(tenantId, userId, TenantRole.User, cancellationToken);
        if (access.Failed(out var error))
        {
            return error;
        }

        await using var db = await tenants.CreateDbContextAsync(access.DatabaseName, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == documentId, cancellationToken);
        if (document is null)
        {
            return DocumentErrors.NotFound();
        }

        if (access.Role != TenantRole.Admin && document.UserId != userId)
        {
            return ApiError.Forbidden("You can only delete your own documents");
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

        db.EnqueueEvent(Topics.DocumentDeleted, access.TenantId, userId,
            new DocumentDeleted(document.Id, document.FileId, orphaned, access.DatabaseName), time);
        db.EnqueueAudit(access.TenantId, userId, AuditActions.DocumentDeleted, "document", document.Id.ToString(),
            new { filename = document.Filename, file_id = document.FileId, file_orphaned = orphaned }, time);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outboxSignal.Notify(access.DatabaseName);

        return ApiResults.Ok("Document deleted successfully", new DeletedDocument(document.Id, orphaned));
    }
}
