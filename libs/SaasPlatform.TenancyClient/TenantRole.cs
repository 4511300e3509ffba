using System.Diagnostics.CodeAnalysis;

namespace SaasPlatform.TenancyClient;

/// <summary>A member's role in a tenant, ordered so that a higher role includes the lower ones (decision D4).</summary>
public enum TenantRole
{
    Viewer = 1,
    User = 2,
    Admin = 3,
}

/// <summary>The wire and database spelling of <see cref="TenantRole"/>: <c>viewer</c>, <c>user</c>, <c>admin</c>.</summary>
public static class TenantRoles
{
    public const string Viewer = "viewer";
    public const string User = "user";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> All = [Admin, User, Viewer];

    public static string ToWire(this TenantRole role) => role switch
    {
        TenantRole.Viewer => Viewer,
        TenantRole.User => User,
        TenantRole.Admin => Admin,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, null),
    };

    /// <summary>Exact, case-sensitive match, as the original's validation.</summary>
    public static bool TryParse(string? value, [NotNullWhen(true)] out TenantRole? role)
    {
        role = value switch
        {
            Viewer => TenantRole.Viewer,
            User => TenantRole.User,
            Admin => TenantRole.Admin,
            _ => null,
        };
        return role is not null;
    }

    public static TenantRole Parse(string value) =>
        TryParse(value, out var role) ? role.Value : throw new FormatException($"Unknown tenant role '{value}'");

    public static bool Includes(this TenantRole role, TenantRole minimum) => role >= minimum;
}
