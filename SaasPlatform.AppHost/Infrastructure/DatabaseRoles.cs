using System.Text;
using Npgsql;

namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>
/// The PostgreSQL login roles of the platform (docs/decisions/postgres-least-privilege.md): one per service owning only
/// its database, a provisioner that may create databases and nothing more (it owns the tenant databases and migrates
/// them), and a tenant-data role that only connects to tenant databases and reads/writes rows there.
/// </summary>
public static class DatabaseRoles
{
    public const string Identity = "identity_api";
    public const string Tenancy = "tenancy_api";
    public const string Events = "events_worker";
    public const string TenantProvisioner = "tenant_provisioner";
    public const string TenantData = "tenant_data";

    /// <summary>Role (unprefixed) -> the database it owns, or null for the server-wide roles.</summary>
    public static readonly IReadOnlyList<(string Role, string? Database, bool CreateDb)> All =
    [
        (Identity, "identitydb", false),
        (Tenancy, "tenancydb", false),
        (Events, "eventsdb", false),
        (TenantProvisioner, null, true),
        (TenantData, null, false),
    ];

    /// <summary>
    /// The roles an additional tenant server needs (docs/decisions/tenant-placement.md): the server-wide ones only, since
    /// it holds tenant databases and nothing else.
    /// </summary>
    public static IEnumerable<(string Role, string? Database, bool CreateDb)> Roles(bool tenantServerOnly) =>
        tenantServerOnly ? All.Where(r => r.Database is null) : All;

    /// <summary>Name of the AppHost parameter holding a role's password (a key of the Kubernetes Secret).</summary>
    public static string PasswordParameter(string role) => $"{role.Replace('_', '-')}-db-password";

    /// <summary>
    /// Idempotent SQL, run as the server's superuser, that creates or updates the roles (passwords included) and the
    /// service databases with their owners; only the owner (and superusers) may connect to a service database.
    /// <paramref name="prefix"/> (the local mode's per-run <c>DatabasePrefix</c>) namespaces roles and databases, so
    /// concurrent runs on one server neither share nor reset each other's roles.
    /// </summary>
    public static IReadOnlyList<string> BootstrapStatements(string prefix, IReadOnlyDictionary<string, string> passwords, bool tenantServerOnly = false)
    {
        var statements = new List<string>();
        foreach (var (role, _, createDb) in Roles(tenantServerOnly))
        {
            var name = Identifier(prefix + role);
            var password = Literal(passwords[role]);
            var attributes = $"LOGIN {(createDb ? "CREATEDB" : "NOCREATEDB")} NOSUPERUSER NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD {password}";
            // CREATE ROLE has no IF NOT EXISTS; a concurrent creator of the same name is caught as duplicate_object.
            statements.Add($"""
                DO $$BEGIN
                  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{prefix + role}') THEN
                    BEGIN CREATE ROLE {name} {attributes}; EXCEPTION WHEN duplicate_object THEN NULL; END;
                  END IF;
                END$$
                """);
            statements.Add($"ALTER ROLE {name} {attributes}");
        }

        return statements;
    }

    /// <summary>The databases to create (outside a transaction: <c>CREATE DATABASE</c> cannot run in one).</summary>
    public static IEnumerable<(string Database, string Owner)> Databases(string prefix) =>
        All.Where(r => r.Database is not null).Select(r => (prefix + r.Database!, prefix + r.Role));

    /// <summary>Creates the roles and databases through a superuser connection; safe to run again and concurrently.</summary>
    public static async Task EnsureAsync(string superuserConnectionString, string prefix, IReadOnlyDictionary<string, string> passwords, CancellationToken cancellationToken,
        bool tenantServerOnly = false)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(superuserConnectionString) { Pooling = false, Database = "postgres" }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var sql in BootstrapStatements(prefix, passwords, tenantServerOnly))
        {
            await ExecuteAsync(connection, sql, cancellationToken);
        }

        foreach (var (database, owner) in tenantServerOnly ? [] : Databases(prefix))
        {
            try
            {
                await ExecuteAsync(connection, $"CREATE DATABASE {Identifier(database)} OWNER {Identifier(owner)}", cancellationToken);
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
            {
                await ExecuteAsync(connection, $"ALTER DATABASE {Identifier(database)} OWNER TO {Identifier(owner)}", cancellationToken);
            }

            await ExecuteAsync(connection, $"REVOKE ALL ON DATABASE {Identifier(database)} FROM PUBLIC", cancellationToken);
        }
    }

    /// <summary>A quoted identifier; role and database names here are [a-z0-9_], so quoting is belt and braces.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static string Describe(bool tenantServerOnly = false) =>
        new StringBuilder().AppendJoin(",", Roles(tenantServerOnly).Select(r => r.Database is null ? (r.CreateDb ? $"{r.Role}:+createdb" : r.Role) : $"{r.Role}:{r.Database}")).ToString();
}
