using System.Text.Json.Serialization;

namespace SaasPlatform.TenancyClient;

/// <summary>
/// What Tenancy.Api says about one user in one active tenant: the answer of
/// <c>GET /internal/tenants/{tenantId}/members/{userId}</c>, including the server that holds the tenant's database
/// (absent from an older Tenancy.Api: then the one server there was, <c>main</c>).
/// </summary>
public sealed record TenantMembership(Guid TenantId, string TenantName, string DatabaseName, string Role, string? Server = null)
{
    /// <summary>The tenant's server; <see cref="TenantDatabaseLocator.Main"/> when an older Tenancy.Api did not say.</summary>
    [JsonIgnore]
    public string TenantServer => Server ?? TenantDatabaseLocator.Main;

    [JsonIgnore]
    public TenantRole TenantRole => TenantRoles.Parse(Role);
}
