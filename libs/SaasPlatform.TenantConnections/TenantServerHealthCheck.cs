using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace SaasPlatform.TenantConnections;

/// <summary>
/// Unhealthy while the PostgreSQL server of the tenant databases refuses this service's login (down, unreachable,
/// credentials wrong). Checked on its maintenance database with a short timeout, at most every few seconds, on one
/// pooled connection that is logged in anew once a minute (<see cref="LoginEvery"/>): a new login per probe made the
/// server fork a backend every few seconds per service; the query notices a server that went away at once, the
/// periodic login a credential change within a minute.
/// </summary>
internal sealed class TenantServerHealthCheck(string serverConnectionString) : IHealthCheck
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);
    private const int LoginEvery = 60; // seconds: the pooled connection's lifetime

    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(serverConnectionString)
    {
        Pooling = true, MinPoolSize = 0, MaxPoolSize = 1, ConnectionLifetime = LoginEvery, Timeout = 3,
    }.ConnectionString;
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
            await using var probe = new NpgsqlCommand("SELECT 1", connection);
            await probe.ExecuteScalarAsync(cancellationToken);
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
