namespace Tenancy.Api.Data;

/// <summary>A user's role in a tenant (table <c>user_tenant_associations</c>); the user lives in Identity.Api.</summary>
public sealed class Membership
{
    public Guid UserId { get; set; }

    public Guid TenantId { get; set; }

    public Tenant? Tenant { get; set; }

    public TenantRole Role { get; set; }

    public DateTimeOffset JoinedAt { get; set; }
}
