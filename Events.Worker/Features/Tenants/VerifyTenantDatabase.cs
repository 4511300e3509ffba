namespace Events.Worker.Features.Tenants;

/// <summary>
/// <c>tenant.created</c>: checks that the new tenant's database is reachable and carries the current tenant schema
/// (every migration of SaasPlatform.TenantSchema applied). The finding goes to the log and the inbox row. Tenancy.Api
/// answers 201 only once both hold (D7), so a failure here points at a real fault; a database that no longer exists
/// (the tenant was deleted since) is noted, not retried. Connection errors are retried, then dead-lettered.
/// </summary>
internal sealed class VerifyTenantDatabase(TenantDbContextFactory tenantDatabases, HandlingReport report, ILogger<VerifyTenantDatabase> logger)
    : IEventHandler
{
    public IReadOnlyCollection<string> Topics { get; } = [SaasPlatform.Messaging.Topics.TenantCreated];

    public async Task HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        var databaseName = platformEvent.DataAs<TenantCreated>()?.DatabaseName;
        if (!TenantDatabaseName.IsValid(databaseName))
        {
            throw new PoisonEventException($"tenant.created without a valid database_name ('{databaseName}')");
        }

        try
        {
            await using var db = await tenantDatabases.CreateDbContextAsync(databaseName!, cancellationToken);
            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count == 0)
            {
                report.Detail = $"schema current: {databaseName} at {applied.LastOrDefault() ?? "(no migrations)"}";
                logger.LogInformation("Tenant {TenantId} database {Database} is reachable and at the current schema ({Migration})",
                    platformEvent.TenantId, databaseName, applied.LastOrDefault());
            }
            else
            {
                report.Detail = $"schema behind: {databaseName} misses {string.Join(",", pending)}";
                logger.LogError("Tenant {TenantId} database {Database} misses migrations {Pending}",
                    platformEvent.TenantId, databaseName, string.Join(",", pending));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            report.Detail = $"database missing: {databaseName} (tenant deleted since?)";
            logger.LogWarning("Tenant {TenantId} database {Database} does not exist", platformEvent.TenantId, databaseName);
        }
    }
}
