using System.Text.Json.Serialization;

namespace SaasPlatform.TenancyClient;

/// <summary>
/// What Tenancy.Api says about one user in one active tenant: the answer of
/// <c>GET /internal/tenants/{tenantId}/members/{userId}</c>.
/// </summary>
public sealed record TenantMembership(Guid TenantId, string TenantName, string DatabaseName, string Role)
{
    [JsonIgnore]
    public TenantRole TenantRole => TenantRoles.Parse(Role);
}
