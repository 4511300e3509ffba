namespace Tenancy.Api.Features.Tenants;

public static class UpdateTenant
{
    /// <remarks>
    /// <c>PUT /api/tenants/{id}</c> (admin): rename. <c>name</c> is optional; <c>{}</c> changes nothing (D3);
    /// <c>is_active</c> is accepted and ignored, as in the original (deleting is <c>DELETE</c>).
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<TenantView>>, ApiError>> HandleAsync(
        Guid tenantId, ClaimsPrincipal user, [FromBody] JsonElement body, TenancyDbContext db, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var (found, error) = await CallerMembership.RequireAsync(db, tenantId, user.UserId(), TenantRole.Admin, cancellationToken, track: true);
        if (error is not null)
        {
            return error;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject();
        }

        var validation = new Validation();
        var name = RequestFields.TenantName(body, validation, required: false);
        if (body.TryGetProperty("is_active", out var isActive) && isActive.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            validation.Add("is_active", "Not a valid boolean.");
        }

        if (!validation.IsValid)
        {
            return validation.ToError();
        }

        var tenant = found!.Tenant;
        if (name is not null && name != tenant.Name)
        {
            tenant.Name = name;
            tenant.UpdatedAt = time.GetUtcNow();
            db.EnqueueAudit(tenant.Id, user.UserId(), AuditActions.TenantUpdated, "tenant", tenant.Id.ToString(), new { name }, time);
            await db.SaveChangesAsync(cancellationToken);
        }

        return ApiResults.Ok("Tenant updated successfully", TenantView.From(tenant));
    }
}
