namespace Tenancy.Api.Data;

/// <summary>A customer organisation with its own database (contract §3.1, table <c>tenants</c>).</summary>
public sealed class Tenant
{
    public const int NameMaxLength = 255;

    public Guid Id { get; set; } = Guid.NewGuid();

    public required string Name { get; set; }

    /// <summary><c>tenant_&lt;slug&gt;_&lt;8 hex&gt;</c> (decision D7); never changes.</summary>
    public required string DatabaseName { get; set; }

    /// <summary>
    /// The <see cref="DatabaseServer"/> that holds <see cref="DatabaseName"/>, chosen at creation (docs/decisions/tenant-placement.md);
    /// never changes. Tenants from before placement existed are on <c>main</c>.
    /// </summary>
    public string Server { get; set; } = SaasPlatform.TenantConnections.TenantServers.Main;

    /// <summary>The soft-delete flag: false once deleted.</summary>
    public bool IsActive { get; set; } = true;

    /// <summary><see cref="TenantStatus"/>: only <c>active</c> tenants are visible anywhere.</summary>
    public string Status { get; set; } = TenantStatus.Provisioning;

    /// <summary>The last tenant-schema migration applied to the tenant's database, as recorded here by Tenancy.Api.</summary>
    public string? SchemaVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Guid? CreatedBy { get; set; }

    public List<Membership> Members { get; set; } = [];
}

/// <summary>
/// Where a tenant is in its life: <c>provisioning</c> from the row's insert until its database holds the current schema,
/// then <c>active</c>. A tenant left in provisioning by a crash is finished or undone at start-up.
/// </summary>
public static class TenantStatus
{
    public const string Provisioning = "provisioning";
    public const string Active = "active";
}
