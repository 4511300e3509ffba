using Npgsql;

namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>
/// Healthy once the server accepts the superuser's login and the platform's roles and databases exist
/// (<see cref="DatabaseRoles"/>). The AppHost alone uses the superuser, to bootstrap; services log in as their roles.
/// Pooled (one connection, kept idle between probes): an unpooled probe made PostgreSQL fork a backend every few
/// seconds for as long as the platform ran. The query makes a connection the server dropped fail the probe.
/// An additional tenant server (<paramref name="tenantServerOnly"/>) gets the server-wide roles only.
/// </summary>
internal sealed class PostgresReadyCheck(ReferenceExpression superuser, string prefix, DatabaseRolePasswords passwords, bool tenantServerOnly = false) : IHealthCheck
{
    private volatile bool _bootstrapped;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = await superuser.GetValueAsync(cancellationToken);
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { MaxPoolSize = 1, ConnectionIdleLifetime = 600, Timeout = 3 };
            if (!_bootstrapped)
            {
                await DatabaseRoles.EnsureAsync(builder.ConnectionString, prefix, await passwords.ResolveAsync(cancellationToken), cancellationToken, tenantServerOnly);
                _bootstrapped = true;
                return HealthCheckResult.Healthy("Roles and databases ready");
            }

            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var probe = new NpgsqlCommand("SELECT 1", connection);
            await probe.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not accepting connections (or its roles are not set up) yet", ex);
        }
    }
}
