namespace Tenancy.Api.Data;

/// <summary>
/// An operator's per-user override of the tenant quotas (table <c>tenant_quotas</c>); a null limit means the configured
/// default (<see cref="Quotas.TenantQuotaOptions"/>). See docs/decisions/tenant-quotas.md.
/// </summary>
public sealed class TenantQuota
{
    public Guid UserId { get; set; }

    public int? MaxActiveTenants { get; set; }

    public int? MaxCreationsPerHour { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
