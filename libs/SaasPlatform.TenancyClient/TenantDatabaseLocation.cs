namespace SaasPlatform.TenancyClient;

/// <summary>
/// A tenant database and the server that holds it, as Tenancy.Api records them (<c>GET /internal/tenant-databases</c>,
/// docs/decisions/tenant-placement.md).
/// </summary>
public sealed record TenantDatabaseLocation(string DatabaseName, string Server);
