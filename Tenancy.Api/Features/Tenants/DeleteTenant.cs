using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Events;

namespace Tenancy.Api.Features.Tenants;

public static class DeleteTenant
{
    /// <remarks>
    /// <c>DELETE /api/tenants/{id}</c> (admin): soft delete. The database and the memberships stay; from now on every
    /// endpoint of the tenant answers 404 (other services within a second, through their access cache).
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope>, ApiError>> HandleAsync(
        Guid tenantId, ClaimsPrincipal user, Data.TenancyDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var (found, error) = await CallerMembership.RequireAsync(db, tenantId, user.UserId(), TenantRole.Admin, cancellationToken, track: true);
        if (error is not null)
        {
            return error;
        }

        var tenant = found!.Tenant;
        tenant.IsActive = false;
        tenant.UpdatedAt = time.GetUtcNow();
        db.EnqueueEvent(Topics.TenantDeleted, tenant.Id, user.UserId(), new TenantDeleted(tenant.DatabaseName, HardDelete: false), time);
        // The name and database say which tenant it was in the operators' security log, where deletions also appear.
        db.EnqueueAudit(tenant.Id, user.UserId(), AuditActions.TenantDeleted, "tenant", tenant.Id.ToString(),
            new { name = tenant.Name, database_name = tenant.DatabaseName, hard_delete = false }, time);
        await db.SaveChangesAsync(cancellationToken);
        return ApiResults.Ok("Tenant deleted successfully");
    }
}
