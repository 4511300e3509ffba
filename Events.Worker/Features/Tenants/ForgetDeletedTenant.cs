namespace Events.Worker.Features.Tenants;

/// <summary>
/// <c>tenant.deleted</c>: makes this process forget the tenant. Access answers do not need this event: every
/// service's <c>TenantAccessChecker</c> drops them when Tenancy.Api's change stream reports the tenant's row changed
/// (or within 250 ms when the stream is down), so a deleted tenant is refused everywhere within about a second of
/// the deletion, whether or not this event has been handled yet (docs/decisions/cache-invalidation.md). What does
/// outlive that is an open connection pool to the tenant's database, which is closed here (for a hard delete it
/// would also block DROP DATABASE).
/// </summary>
internal sealed class ForgetDeletedTenant(TenantDataSources tenantDatabases, HandlingReport report, ILogger<ForgetDeletedTenant> logger)
    : IEventHandler
{
    public IReadOnlyCollection<string> Topics { get; } = [SaasPlatform.Messaging.Topics.TenantDeleted];

    public Task HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        var data = platformEvent.DataAs<TenantDeleted>();
        if (TenantDatabaseName.IsValid(data?.DatabaseName))
        {
            tenantDatabases.Evict(data!.DatabaseName);
        }

        report.Detail = $"forgotten: pool of {data?.DatabaseName ?? "(no database_name)"} closed; access caches expire within their TTL";
        logger.LogInformation("Tenant {TenantId} deleted (hard: {HardDelete}); closed its connection pool {Database}",
            platformEvent.TenantId, data?.HardDelete ?? false, data?.DatabaseName);
        return Task.CompletedTask;
    }
}
