using System.Data.Common;

namespace Tenancy.Api.Provisioning;

/// <summary>Database-level DDL on the PostgreSQL server that holds the tenant databases.</summary>
internal static class TenantServer
{
    public static async Task<bool> DatabaseExistsAsync(DbConnection connection, string database, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1 FROM pg_database WHERE datname = @name";
        var parameter = command.CreateParameter();
        parameter.ParameterName = "name";
        parameter.Value = database;
        command.Parameters.Add(parameter);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary><c>CREATE DATABASE</c>, copying <paramref name="template"/> when given. Names are checked identifiers.</summary>
    public static Task CreateDatabaseAsync(DbConnection connection, string database, string? template, CancellationToken cancellationToken) =>
        ExecuteAsync(connection,
            $"CREATE DATABASE \"{TenantDatabaseName.Ensure(database)}\"" + (template is null ? "" : $" TEMPLATE \"{TenantDatabaseName.Ensure(template)}\""),
            cancellationToken);

    /// <summary>
    /// Only the owner (this login) and <paramref name="tenantDataRole"/> may connect: PostgreSQL lets PUBLIC connect to
    /// a new database, and the tenant-data role must not see the template or other services' databases.
    /// </summary>
    public static async Task RestrictConnectAsync(DbConnection connection, string database, string? tenantDataRole, CancellationToken cancellationToken)
    {
        var name = TenantDatabaseName.Ensure(database);
        await ExecuteAsync(connection, $"REVOKE ALL ON DATABASE \"{name}\" FROM PUBLIC", cancellationToken);
        if (!string.IsNullOrEmpty(tenantDataRole))
        {
            await ExecuteAsync(connection, $"GRANT CONNECT ON DATABASE \"{name}\" TO {Role(tenantDataRole)}", cancellationToken);
        }
    }

    /// <summary>
    /// Inside a tenant database (or the template, whose grants every copy inherits): row access for the tenant-data
    /// role on every table and sequence, now and for tables later migrations create (default privileges of the owner).
    /// </summary>
    public static async Task GrantTenantDataAsync(DbConnection connection, string tenantDataRole, CancellationToken cancellationToken)
    {
        var role = Role(tenantDataRole);
        await ExecuteAsync(connection, $"""
            GRANT USAGE ON SCHEMA public TO {role};
            GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
            GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {role};
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role};
            ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role};
            """, cancellationToken);
    }

    /// <summary>Role names come from configuration: plain identifiers only, then quoted.</summary>
    private static string Role(string name) =>
        System.Text.RegularExpressions.Regex.IsMatch(name, "^[a-z_][a-z0-9_]{0,62}$")
            ? $"\"{name}\""
            : throw new ArgumentException($"Invalid role name '{name}'", nameof(name));

    /// <summary>Drops the database if it exists, closing any session still on it.</summary>
    public static Task DropDatabaseAsync(DbConnection connection, string database, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, $"DROP DATABASE IF EXISTS \"{TenantDatabaseName.Ensure(database)}\" WITH (FORCE)", cancellationToken);

    private static async Task ExecuteAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 120;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
