namespace SaasPlatform.ServiceDefaults;

/// <summary>
/// The platform's services by the names the AppHost gives them, and the routes one service calls on another. Service
/// discovery resolves <c>http://{name}</c>; deployments name images, Kubernetes services and Vault paths after them.
/// </summary>
public static class PlatformServices
{
    public const string IdentityApi = "identity-api";
    public const string TenancyApi = "tenancy-api";
    public const string DocumentsApi = "documents-api";
    public const string EventsWorker = "events-worker";
    public const string Gateway = "gateway";

    /// <summary>The services behind the gateway: its proxy clusters and the parts of its aggregate health.</summary>
    public static readonly IReadOnlyList<string> Backends = [IdentityApi, TenancyApi, DocumentsApi, EventsWorker];

    /// <summary><paramref name="service"/>'s address, resolved through service discovery.</summary>
    public static Uri Address(string service) => new($"http://{service}");

    /// <summary>Routes services call on each other; <c>/internal</c> ones need the internal key (the gateway never routes them).</summary>
    public static class Routes
    {
        public const string Internal = "/internal";

        // Identity.Api
        public const string Jwks = "/.well-known/jwks.json";
        public const string Revocations = Internal + "/revocations";
        public const string UserLookup = Internal + "/users/lookup";

        public static string User(Guid userId) => $"{Internal}/users/{userId}";

        public static string UserByEmail(string email) => $"{Internal}/users/by-email?email={Uri.EscapeDataString(email)}";

        // Tenancy.Api
        public const string TenantDatabases = Internal + "/tenant-databases";
        public const string TenancyChanges = Internal + "/changes";

        /// <summary>One tenant database and the server holding it (docs/decisions/tenant-placement.md).</summary>
        public static string TenantDatabase(string databaseName) => $"{TenantDatabases}/{Uri.EscapeDataString(databaseName)}";

        public static string Membership(Guid tenantId, Guid userId) => $"{Internal}/tenants/{tenantId}/members/{userId}";

        public static string UserTenants(Guid userId) => $"{Internal}/users/{userId}/tenants";

        /// <summary>Every member of a tenant with role and join time (tenant exports).</summary>
        public static string TenantMembers(Guid tenantId) => $"{Internal}/tenants/{tenantId}/members";
    }
}
