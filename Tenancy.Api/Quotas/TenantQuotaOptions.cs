namespace Tenancy.Api.Quotas;

/// <summary>
/// Default tenant quotas per user (section <c>Tenants:Quotas</c>); operators override them per user through
/// <c>PUT /internal/users/{id}/tenant-quota</c> (docs/decisions/tenant-quotas.md).
/// </summary>
public sealed class TenantQuotaOptions
{
    public const string SectionName = "Tenants:Quotas";

    /// <summary>Active tenants (provisioning included) a user may have created and not deleted.</summary>
    public int MaxActiveTenantsPerUser { get; set; } = 20;

    /// <summary>Tenants a user may create within any hour, deleted ones included: each is a database created.</summary>
    public int MaxCreationsPerHour { get; set; } = 10;
}
