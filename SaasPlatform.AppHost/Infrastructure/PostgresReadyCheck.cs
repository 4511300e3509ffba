using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>
/// Healthy once the server accepts a login with the configured password and answers a query. Pooled (one connection,
/// kept idle between probes): an unpooled probe made PostgreSQL fork a backend every few seconds for as long as the
/// platform ran. The query makes a connection the server dropped fail the probe (and leave the pool).
/// </summary>
internal sealed class PostgresReadyCheck(LocalPostgresResource server) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken);
            await using var connection = new NpgsqlConnection(connectionString + ";Maximum Pool Size=1;Connection Idle Lifetime=600;Timeout=3");
            await connection.OpenAsync(cancellationToken);
            await using var probe = new NpgsqlCommand("SELECT 1", connection);
            await probe.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not accepting connections yet", ex);
        }
    }
}
