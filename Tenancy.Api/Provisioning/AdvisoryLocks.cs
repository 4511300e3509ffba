using System.Data.Common;

namespace Tenancy.Api.Provisioning;

/// <summary>
/// PostgreSQL session advisory locks taken on tenancydb. A lock dies with its session, so a crashed instance never
/// leaves one behind: recovery knows a provisioning is abandoned when it can take that tenant's lock.
/// </summary>
internal static class AdvisoryLocks
{
    /// <summary>Serialises every use of the template database (migrating it, copying it).</summary>
    public const long TemplateKey = 0x5341_4153_5445_4D50; // "SAASTEMP"

    public static Task LockAsync(DbConnection connection, long key, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, "SELECT pg_advisory_lock(@key)", key, cancellationToken);

    public static Task UnlockAsync(DbConnection connection, long key) =>
        ExecuteAsync(connection, "SELECT pg_advisory_unlock(@key)", key, CancellationToken.None);

    public static async Task<bool> TryLockAsync(DbConnection connection, long key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT pg_try_advisory_lock(@key)", key);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>One key per tenant, derived from its id.</summary>
    public static long TenantKey(Guid tenantId)
    {
        Span<byte> bytes = stackalloc byte[16];
        tenantId.TryWriteBytes(bytes);
        return BitConverter.ToInt64(bytes) ^ BitConverter.ToInt64(bytes[8..]);
    }

    /// <summary>One key per user (serialises that user's tenant creations); kept apart from the tenant keys.</summary>
    public static long UserKey(Guid userId) => TenantKey(userId) ^ 0x5553_4552_5155_4F54; // "USERQUOT"

    private static async Task ExecuteAsync(DbConnection connection, string sql, long key, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, sql, key);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private static DbCommand Command(DbConnection connection, string sql, long key)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        var parameter = command.CreateParameter();
        parameter.ParameterName = "key";
        parameter.Value = key;
        command.Parameters.Add(parameter);
        return command;
    }
}
