namespace Tenancy.Api.Features.Tenants;

public static class TenantsHealth
{
    public static Ok<SuccessEnvelope<Dictionary<string, string>>> Handle() =>
        ApiResults.Ok("Tenants API is healthy", new Dictionary<string, string> { ["status"] = "healthy", ["blueprint"] = "tenants" });
}
