namespace Tenancy.Api.Provisioning;

/// <summary>
/// Undoes provisionings a crash interrupted: a <c>provisioning</c> row whose advisory lock nobody holds belongs to a
/// dead process (the lock dies with its session), so its database is dropped and the row deleted. A provisioning still
/// in progress elsewhere holds its lock and is left alone.
/// </summary>
public sealed class ProvisioningRecovery(TenancyDbContext db, ServerAdmin server, ILogger<ProvisioningRecovery> logger)
{
    public async Task<int> RecoverAsync(CancellationToken cancellationToken)
    {
        var stuck = await db.Tenants.AsNoTracking()
            .Where(t => t.Status == TenantStatus.Provisioning)
            .Select(t => new { t.Id, t.DatabaseName, t.Server })
            .ToListAsync(cancellationToken);
        if (stuck.Count == 0)
        {
            return 0;
        }

        var undone = 0;
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            foreach (var tenant in stuck)
            {
                var key = AdvisoryLocks.TenantKey(tenant.Id);
                if (!await AdvisoryLocks.TryLockAsync(connection, key, cancellationToken))
                {
                    continue; // being provisioned right now
                }

                try
                {
                    // Re-read under the lock: it may have completed between the query and the lock.
                    var stillProvisioning = await db.Tenants.AnyAsync(t => t.Id == tenant.Id && t.Status == TenantStatus.Provisioning, cancellationToken);
                    if (!stillProvisioning)
                    {
                        continue;
                    }

                    await using (var admin = await server.OpenAsync(tenant.Server, cancellationToken))
                    {
                        await TenantServer.DropDatabaseAsync(admin, tenant.DatabaseName, cancellationToken);
                    }

                    await db.Tenants.Where(t => t.Id == tenant.Id).ExecuteDeleteAsync(cancellationToken);
                    undone++;
                    logger.LogWarning("Undid interrupted provisioning of tenant {TenantId} (database {Database})", tenant.Id, tenant.DatabaseName);
                }
                finally
                {
                    await AdvisoryLocks.UnlockAsync(connection, key);
                }
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        return undone;
    }
}
