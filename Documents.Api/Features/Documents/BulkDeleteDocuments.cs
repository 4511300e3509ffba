using System.Text.Json;
using System.Text.Json.Serialization;

namespace Documents.Api.Features.Documents;

public static class BulkDeleteDocuments
{
    /// <summary>What happened to one id: <c>deleted</c>, <c>not_found</c> (also another tenant's id) or <c>forbidden</c>.</summary>
    public sealed record ItemResult(Guid DocumentId, string Status, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? FileOrphaned);

    public sealed record BulkDeleteResult(List<ItemResult> Results, int Deleted, int NotFound, int Forbidden);

    /// <remarks>
    /// <c>POST /api/tenants/{tid}/documents/bulk-delete</c>, JSON <c>{"document_ids": [...]}</c> (1 to 1,000 ids): each
    /// document is deleted exactly as by <c>DELETE .../documents/{did}</c> (users their own, admins any; file orphaning,
    /// <c>document.deleted</c> event and audit record), each in a transaction of its own, so one refused id does not undo
    /// the others. Answers 200 with one result per distinct id, in the order given.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<BulkDeleteResult>>, ApiError>> HandleAsync(
        JsonElement body, TenantScope tenant, OutboxSignal outboxSignal, TimeProvider time, CancellationToken cancellationToken)
    {
        var (ids, error) = DocumentIdList.Parse(body);
        if (error is not null)
        {
            return error;
        }

        var db = await tenant.OpenDbAsync(cancellationToken);
        var results = new List<ItemResult>(ids!.Count);
        try
        {
            foreach (var id in ids)
            {
                var (outcome, orphaned) = await DeleteDocument.DeleteOneAsync(db, tenant, id, time, cancellationToken);
                results.Add(outcome switch
                {
                    DeleteDocument.Outcome.Deleted => new ItemResult(id, "deleted", orphaned),
                    DeleteDocument.Outcome.Forbidden => new ItemResult(id, "forbidden", null),
                    _ => new ItemResult(id, "not_found", null),
                });
            }
        }
        finally
        {
            // Whatever was committed before a failure still gets its events out promptly.
            if (results.Count > 0)
            {
                outboxSignal.Notify(tenant.DatabaseName);
            }
        }

        return ApiResults.Ok("Bulk delete completed", new BulkDeleteResult(results,
            results.Count(r => r.Status == "deleted"), results.Count(r => r.Status == "not_found"),
            results.Count(r => r.Status == "forbidden")));
    }
}
