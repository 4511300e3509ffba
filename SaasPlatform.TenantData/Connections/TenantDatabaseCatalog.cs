using Npgsql;

namespace SaasPlatform.TenantData.Connections;

/// <summary>
/// The tenant databases on the server: every database named like one (<see cref="TenantDatabaseName"/>) that accepts
/// connections, active tenant or not (a deactivated tenant's outbox and orphaned files still need handling). The one
/// place that enumerates them; sweeps (the tenant outbox relay, the orphan collector) start from here. Reads only
/// <c>pg_database</c> on the server connection, so it opens no tenant pool.
/// </summary>
public sealed class TenantDatabaseCatalog(string serverConnectionString)
{
    /// <remarks>
    /// Under least privilege (docs/decisions/postgres-least-privilege.md) a login sees only the tenant databases it was
    /// granted CONNECT on explicitly (or owns): others on the same server (another deployment's, a test run's) are
    /// not its tenants. A superuser login sees them all, as before.
    /// </remarks>
    private const string Query = """
        SELECT d.datname FROM pg_database d
        WHERE d.datname LIKE 'tenant\_%' AND NOT d.datistemplate AND d.datallowconn
          AND ((SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
               OR EXISTS (SELECT 1 FROM aclexplode(d.datacl) a
                          WHERE a.privilege_type = 'CONNECT' AND a.grantee <> 0 AND pg_has_role(current_user, a.grantee, 'MEMBER')))
        ORDER BY d.datname
        """;

    /// <summary>Names of the tenant databases on the server, in name order.</summary>
    public async Task<List<string>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(Query, connection);
        var names = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var name = reader.GetString(0);
            if (TenantDatabaseName.IsValid(name))
            {
                names.Add(name);
            }
        }

        return names;
    }
}
