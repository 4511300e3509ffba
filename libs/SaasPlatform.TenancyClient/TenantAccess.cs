using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Serialization;
using SaasPlatform.ServiceDefaults.Http;

namespace SaasPlatform.TenancyClient;

/// <summary>
/// What Tenancy.Api says about one user in one active tenant: the answer of
/// <c>GET /internal/tenants/{tenantId}/members/{userId}</c>, including the server that holds the tenant's database
/// (absent from an older Tenancy.Api: then the one server there was, <c>main</c>).
/// </summary>
public sealed record TenantMembership(Guid TenantId, string TenantName, string DatabaseName, string Role, string? Server = null)
{
    /// <summary>The tenant's server; <see cref="TenantDatabaseLocator.Main"/> when an older Tenancy.Api did not say.</summary>
    [JsonIgnore]
    public string TenantServer => Server ?? TenantDatabaseLocator.Main;

    [JsonIgnore]
    public TenantRole TenantRole => TenantRoles.Parse(Role);
}

/// <summary>
/// The outcome of <see cref="TenantAccessChecker.RequireAsync(string, Guid, TenantRole, CancellationToken)"/>:
/// either the caller's membership or the error to answer with (404 non-member or missing tenant, 403 role too low).
/// </summary>
public sealed class TenantAccessResult
{
    private TenantAccessResult(TenantMembership? membership, ApiError? error)
    {
        Membership = membership;
        Error = error;
    }

    public TenantMembership? Membership { get; }

    public ApiError? Error { get; }

    public Guid TenantId => Require().TenantId;

    public string TenantName => Require().TenantName;

    public string DatabaseName => Require().DatabaseName;

    public TenantRole Role => Require().TenantRole;

    /// <summary><c>if (access.Failed(out var error)) return error;</c></summary>
    public bool Failed([NotNullWhen(true)] out ApiError? error)
    {
        error = Error;
        return error is not null;
    }

    internal static TenantAccessResult Allowed(TenantMembership membership) => new(membership, null);

    internal static TenantAccessResult Denied(ApiError error) => new(null, error);

    private TenantMembership Require() =>
        Membership ?? throw new InvalidOperationException("Access was denied; check Failed(out error) first");
}
