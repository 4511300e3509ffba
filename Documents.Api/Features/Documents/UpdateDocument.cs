using System.Text.Json;

namespace Documents.Api.Features.Documents;

public static class UpdateDocument
{
    /// <remarks>
    /// <c>PUT /api/tenants/{tid}/documents/{did}</c>, JSON <c>{filename?, mime_type?}</c> with the upload's rules.
    /// Users and admins may rename any document (D4); <c>{}</c> changes nothing and answers 200 (D3); the file never changes.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<DocumentResponse>>, ApiError>> HandleAsync(
        Guid documentId, JsonElement body, TenantScope tenant, OutboxSignal outboxSignal, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.BadRequest("Request body must be a JSON object");
        }

        var validation = new Validation();
        string? filename = null;
        string? mimeType = null;
        var filenameField = TextField.From(body, "filename");
        if (filenameField.Present && validation.IsString("filename", filenameField))
        {
            (filename, var problem) = FileNames.Validate(filenameField.Value);
            if (problem is not null)
            {
                validation.Add("filename", problem);
            }
        }

        var mimeField = TextField.From(body, "mime_type");
        if (mimeField.Present && validation.IsString("mime_type", mimeField))
        {
            mimeType = MimeTypes.Normalise(mimeField.Value);
            if (mimeType is null)
            {
                validation.Add("mime_type", MimeTypes.InvalidMessage);
            }
        }

        if (!validation.IsValid)
        {
            return validation.ToError();
        }

        var db = await tenant.OpenDbAsync(cancellationToken);
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == documentId, cancellationToken);
        if (document is null)
        {
            return DocumentErrors.NotFound();
        }

        var changes = new Dictionary<string, string>();
        if (filename is not null && filename != document.Filename)
        {
            document.Filename = filename;
            changes["filename"] = filename;
        }

        if (mimeType is not null && mimeType != document.MimeType)
        {
            document.MimeType = mimeType;
            changes["mime_type"] = mimeType;
        }

        if (changes.Count > 0)
        {
            db.EnqueueAudit(tenant.TenantId, tenant.UserId, AuditActions.DocumentUpdated, "document", document.Id.ToString(), changes, time);
            await db.SaveChangesAsync(cancellationToken);
            outboxSignal.Notify(tenant.DatabaseName);
        }

        return ApiResults.Ok("Document updated successfully", DocumentResponse.From(document));
    }
}
