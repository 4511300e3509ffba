using System.Security.Claims;
using System.Text.Json;
using Documents.Api.Uploads;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.Messaging.Audit;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.ServiceDefaults.Http;
using SaasPlatform.TenancyClient;
using SaasPlatform.TenantSchema;

namespace Documents.Api.Features.Documents;

/// <summary>
/// <c>PUT /api/tenants/{tid}/documents/{did}</c>, JSON <c>{filename?, mime_type?}</c> with the upload's rules.
/// Users and admins may rename any document (D4); <c>{}</c> changes nothing and answers 200 (D3); the file never changes.
/// </summary>
public static class UpdateDocument
{
    public static async Task<Results<Ok<SuccessEnvelope<DocumentResponse>>, ApiError>> HandleAsync(
        string tenantId, Guid documentId, JsonElement body, ClaimsPrincipal user, TenantAccessChecker checker,
        TenantDbContextFactory tenants, OutboxSignal outboxSignal, TimeProvider time, CancellationToken cancellationToken)
    {
        var userId = user.UserId();
        var access = await checker.RequireAsync(tenantId, userId, TenantRole.User, cancellationToken);
        if (access.Failed(out var error))
        {
            return error;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.BadRequest("Request body must be a JSON object");
        }

        var validation = new Validation();
        string? filename = null;
        string? mimeType = null;
        if (body.TryGetProperty("filename", out var filenameValue))
        {
            (filename, var problem) = filenameValue.ValueKind == JsonValueKind.String
                ? FileNames.Validate(filenameValue.GetString())
                : (null, filenameValue.ValueKind == JsonValueKind.Null ? "Field may not be null." : "Not a valid string.");
            if (problem is not null)
            {
                validation.Add("filename", problem);
            }
        }

        if (body.TryGetProperty("mime_type", out var mimeValue))
        {
            mimeType = mimeValue.ValueKind == JsonValueKind.String ? MimeTypes.Normalise(mimeValue.GetString()) : null;
            if (mimeType is null)
            {
                validation.Add("mime_type", mimeValue.ValueKind switch
                {
                    JsonValueKind.String => MimeTypes.InvalidMessage,
                    JsonValueKind.Null => "Field may not be null.",
                    _ => "Not a valid string.",
                });
            }
        }

        if (!validation.IsValid)
        {
            return validation.ToError();
        }

        await using var db = await tenants.CreateDbContextAsync(access.DatabaseName, cancellationToken);
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
            db.EnqueueAudit(access.TenantId, userId, AuditActions.DocumentUpdated, "document", document.Id.ToString(), changes, time);
            await db.SaveChangesAsync(cancellationToken);
            outboxSignal.Notify(access.DatabaseName);
        }

        return ApiResults.Ok("Document updated successfully", DocumentResponse.From(document));
    }
}
