using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace SaasPlatform.TenantData.Connections;

/// <summary>
/// Unhealthy while the PostgreSQL server of the tenant databases refuses this service's login (down, unreachable,
/// credentials wrong). Checked on its maintenance database with a short timeout, at most every few seconds.
/// </summary>
internal sealed class TenantServerHealthCheck(string serverConnectionString) : IHealthCheck
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Pooling = false, Timeout = 3 }.ConnectionString;
    private (long At, HealthCheckResult Result)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_last is { } last && System.Diagnostics.Stopwatch.GetElapsedTime(last.At) < CacheFor)
        {
            return last.Result;
        }

        HealthCheckResult result;
        try
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            result = HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            result = HealthCheckResult.Unhealthy("The tenant database server refuses this service's login", e);
        }

        _last = (System.Diagnostics.Stopwatch.GetTimestamp(), result);
        return result;
    }
}
