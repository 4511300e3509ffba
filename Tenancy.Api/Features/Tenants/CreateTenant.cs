namespace Tenancy.Api.Features.Tenants;

public static class CreateTenant
{
    /// <remarks>
    /// <c>POST /api/tenants</c>: any authenticated user creates a tenant and becomes its admin. Answers 201 only once the
    /// tenant's database exists at the current schema (D7); see <see cref="TenantProvisioner"/>.
    /// </remarks>
    public static async Task<Results<Created<SuccessEnvelope<TenantView>>, ApiError>> HandleAsync(
        ClaimsPrincipal user, [FromBody] JsonElement body, TenantProvisioner provisioner)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject();
        }

        var validation = new Validation();
        var name = RequestFields.TenantName(body, validation, required: true);
        if (!validation.IsValid)
        {
            return validation.ToError();
        }

        var tenant = await provisioner.CreateAsync(name!, user.UserId());
        return ApiResults.Created($"/api/tenants/{tenant.Id}", "Tenant created successfully", TenantView.From(tenant, TenantRole.Admin));
    }
}
