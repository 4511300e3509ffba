using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>Healthy once the server accepts a login with the configured password.</summary>
internal sealed class PostgresReadyCheck(LocalPostgresResource server) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken);
            await using var connection = new NpgsqlConnection(connectionString + ";Pooling=false;Timeout=3");
            await connection.OpenAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not accepting connections yet", ex);
        }
    }
}
