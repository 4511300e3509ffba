namespace SaasPlatform.TenantData.Connections;

/// <summary>A tenant database and the server that holds it (<see cref="TenantServers"/>), as Tenancy.Api records them.</summary>
public sealed record TenantDatabaseLocation(string DatabaseName, string Server);
