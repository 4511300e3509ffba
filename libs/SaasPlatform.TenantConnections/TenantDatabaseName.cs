using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace SaasPlatform.TenantConnections;

/// <summary>
/// Tenant database names (decision D7): <c>tenant_&lt;slug&gt;_&lt;8 hex&gt;</c>, slug restricted to <c>[a-z0-9_]</c>,
/// at most 63 characters (PostgreSQL's identifier limit), so a name can be quoted into DDL safely.
/// </summary>
public static partial class TenantDatabaseName
{
    public const int MaxLength = 63;
    public const string Prefix = "tenant_";
    private const int SuffixLength = 8;
    private const int MaxSlugLength = MaxLength - 7 - 1 - SuffixLength; // 47

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>Throws for anything that is not a plain identifier.</summary>
    public static string Ensure(string name) =>
        IsValid(name) ? name : throw new ArgumentException($"Invalid tenant database name '{name}'", nameof(name));

    /// <summary>A fresh name for a tenant called <paramref name="tenantName"/>: slug plus 8 random hex digits.</summary>
    public static string Generate(string tenantName) =>
        $"{Prefix}{Slug(tenantName)}_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(SuffixLength / 2))}";

    /// <summary>
    /// The original's slug (§4.3) restricted to ASCII: lower-case and trim; every character other than a-z, 0-9,
    /// whitespace and '-' becomes '_'; runs of whitespace or '-' become '_'; repeated '_' collapse; leading and
    /// trailing '_' go; at most 47 characters.
    /// </summary>
    public static string Slug(string tenantName)
    {
        var lower = tenantName.Trim().ToLowerInvariant();
        var builder = new StringBuilder(lower.Length);
        foreach (var c in lower)
        {
            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : '_');
        }

        var slug = Underscores().Replace(builder.ToString(), "_").Trim('_');
        return slug.Length <= MaxSlugLength ? slug : slug[..MaxSlugLength].TrimEnd('_');
    }

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex("_{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex Underscores();
}
