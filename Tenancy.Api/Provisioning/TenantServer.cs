using System.Data.Common;
using SaasPlatform.TenantData.Connections;

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
