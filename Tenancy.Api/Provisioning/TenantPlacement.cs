namespace Tenancy.Api.Provisioning;

/// <summary>
/// Where a new tenant's database goes (docs/decisions/tenant-placement.md): the accepting server with the fewest
/// tenants, among those this service can reach (<see cref="TenantServers"/>); ties go to the first by name, main first.
/// With one server there is nothing to choose and no query.
/// </summary>
public sealed class TenantPlacement(TenancyDbContext db, TenantServers servers, TimeProvider time)
{
    /// <summary>Registers every configured server (accepting new tenants) that tenancydb does not know yet; idempotent.</summary>
    public async Task RegisterConfiguredServersAsync(CancellationToken cancellationToken)
    {
        foreach (var name in servers.Names)
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO database_servers (name, accepting_tenants, created_at) VALUES ({name}, true, {time.GetUtcNow()}) ON CONFLICT (name) DO NOTHING",
                cancellationToken);
        }
    }

    /// <summary>The server for a new tenant; 503 in the envelope when no configured server accepts tenants.</summary>
    public async Task<string> ChooseServerAsync(CancellationToken cancellationToken)
    {
        if (servers.IsSingle)
        {
            return TenantServers.Main;
        }

        var configured = servers.Names.ToList();
        var candidates = await db.DatabaseServers.AsNoTracking()
            .Where(s => s.AcceptingTenants && configured.Contains(s.Name))
            .Select(s => new { s.Name, Tenants = db.Tenants.Count(t => t.Server == s.Name) })
            .ToListAsync(cancellationToken);
        return candidates
                   .OrderBy(c => c.Tenants)
                   .ThenBy(c => configured.IndexOf(c.Name))
                   .Select(c => c.Name)
                   .FirstOrDefault()
               // Every server is closed to new tenants (an operator's decision): a condition to retry later, not a fault.
               ?? throw new ApiException(ApiError.ServiceUnavailable("No database server accepts new tenants, retry later"));
    }
}
