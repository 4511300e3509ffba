namespace Tenancy.Api.Provisioning;

/// <summary>Tenant provisioning settings (section <c>Provisioning</c>).</summary>
public sealed class ProvisioningOptions
{
    public const string SectionName = "Provisioning";

    /// <summary>
    /// The database kept at the current tenant schema and copied for each new tenant (<c>CREATE DATABASE ... TEMPLATE</c>:
    /// about 35 ms against 75 ms for an empty database plus DDL). Nothing may stay connected to it, so its name
    /// deliberately does not start with <c>tenant_</c>: services that enumerate tenant databases never open it.
    /// </summary>
    public string TemplateDatabase { get; set; } = "template_tenant";

    /// <summary>
    /// The login role Documents.Api and Events.Worker use on tenant databases (docs/decisions/postgres-least-privilege.md):
    /// it gets CONNECT on each tenant database and row access (no DDL) to its tables. Empty: no grants (a deployment
    /// where every service shares one login).
    /// </summary>
    public string? TenantDataRole { get; set; }

    /// <summary>How often tenants left in <c>provisioning</c> by a crashed instance are looked for and undone.</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromMinutes(1);
}
