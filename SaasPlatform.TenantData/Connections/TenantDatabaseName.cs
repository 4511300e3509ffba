using System.Text.RegularExpressions;

namespace SaasPlatform.TenantData.Connections;

/// <summary>What a tenant database name may look like (decision D7): lower-case ASCII, digits and '_', at most 63.</summary>
public static partial class TenantDatabaseName
{
    public const int MaxLength = 63;

    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    /// <summary>Throws for anything that is not a plain identifier, so names can be quoted into DDL safely.</summary>
    public static string Ensure(string name) =>
        IsValid(name) ? name : throw new ArgumentException($"Invalid tenant database name '{name}'", nameof(name));

    [GeneratedRegex("^[a-z][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
