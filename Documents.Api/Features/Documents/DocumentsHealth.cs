namespace Documents.Api.Features.Documents;

public static class DocumentsHealth
{
    public sealed record HealthData(string Status, string Blueprint, string TenantId);

    /// <remarks><c>GET /api/tenants/{tid}/documents/health</c>: no auth, the tenant id is echoed as given (as the original).</remarks>
    public static Ok<SuccessEnvelope<HealthData>> Handle(string tenantId) =>
        ApiResults.Ok("Documents API is healthy", new HealthData("healthy", "documents", tenantId));
}
