using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Tenancy.Api.Provisioning;

/// <summary>
/// Reports tenants whose database is behind the current tenant schema (run <c>migrate-tenants</c>). Cheap: one count
/// over tenancydb's record of each tenant's version, cached for a while; no tenant database is opened.
/// Degraded, not unhealthy: those tenants keep working on their older schema until migrated.
/// </summary>
public sealed class PendingTenantMigrationsCheck(IServiceScopeFactory scopes, TimeProvider time) : IHealthCheck
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private (long At, HealthCheckResult Result)? _cached;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_cached is { } cached && time.GetElapsedTime(cached.At) < CacheFor)
        {
            return cached.Result;
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TenancyDbContext>();
        var latest = TenantTemplate.LatestMigration;
        var behind = await db.Tenants.CountAsync(
            t => t.Status == TenantStatus.Active && (t.SchemaVersion == null || t.SchemaVersion != latest), cancellationToken);
        var result = behind == 0
            ? HealthCheckResult.Healthy($"Every tenant is at {latest}")
            : HealthCheckResult.Degraded($"{behind} tenant(s) have pending tenant migrations (target {latest}); run migrate-tenants",
                data: new Dictionary<string, object> { ["tenants_behind"] = behind, ["target"] = latest });
        _cached = (time.GetTimestamp(), result);
        return result;
    }
}
