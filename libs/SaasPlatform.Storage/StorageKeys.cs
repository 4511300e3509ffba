using System.Text.RegularExpressions;

namespace SaasPlatform.Storage;

/// <summary>
/// Object keys (decision D8): a file lives at <c>tenants/&lt;database_name&gt;/files/&lt;h[0:2]&gt;/&lt;h[2:4]&gt;/&lt;sha256&gt;</c>,
/// so its key follows from its bytes and the same bytes in one tenant can only ever be one object. Older versions staged
/// uploads under <c>tenants/&lt;database_name&gt;/staging/</c>; the orphan sweep still clears that prefix.
/// </summary>
public static partial class StorageKeys
{
    public static string TenantPrefix(string databaseName) => $"tenants/{RequireDatabaseName(databaseName)}/";

    public static string File(string databaseName, string sha256Hex)
    {
        if (!Sha256Hex().IsMatch(sha256Hex))
        {
            throw new ArgumentException("Expected a lowercase hex SHA-256", nameof(sha256Hex));
        }

        return $"{TenantPrefix(databaseName)}files/{sha256Hex[..2]}/{sha256Hex[2..4]}/{sha256Hex}";
    }

    public static string StagingPrefix(string databaseName) => $"{TenantPrefix(databaseName)}staging/";

    private static string RequireDatabaseName(string databaseName) =>
        DatabaseName().IsMatch(databaseName)
            ? databaseName
            : throw new ArgumentException("Not a tenant database name", nameof(databaseName));

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();

    [GeneratedRegex("^[a-z0-9_]{1,63}$")]
    private static partial Regex DatabaseName();
}
