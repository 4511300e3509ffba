using Tenancy.Api.Features.Tenants;

namespace Tenancy.Api.Features.Members;

public static class RemoveMember
{
    /// <remarks>
    /// <c>DELETE /api/tenants/{id}/users/{user_id}</c> (admin). The last admin cannot be removed (D5). Race-free: the
    /// tenant's admin rows are locked (<c>FOR UPDATE</c>) in the transaction that checks and deletes, so two admins
    /// removing each other at once cannot both succeed.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope>, ApiError>> HandleAsync(
        Guid tenantId, Guid userId, ClaimsPrincipal user, TenancyDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var (_, error) = await CallerMembership.RequireAsync(db, tenantId, user.UserId(), TenantRole.Admin, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var strategy = db.Database.CreateExecutionStrategy();
        return await strategy.ExecuteAsync<Results<Ok<SuccessEnvelope>, ApiError>>(async () =>
        {
            db.ChangeTracker.Clear();
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var admins = await db.Memberships
                .FromSql($"SELECT * FROM user_tenant_associations WHERE tenant_id = {tenantId} AND role = 'admin' FOR UPDATE")
                .AsNoTracking()
                .ToListAsync(cancellationToken);

            var target = await db.Memberships.SingleOrDefaultAsync(m => m.TenantId == tenantId && m.UserId == userId, cancellationToken);
            if (target is null)
            {
                return ApiError.NotFound("User is not a member of this tenant");
            }

            if (target.Role == TenantRole.Admin && admins.Count <= 1)
            {
                return ApiError.BadRequest("Cannot remove the last admin from the tenant");
            }

            db.Memberships.Remove(target);
            db.EnqueueAudit(tenantId, user.UserId(), AuditActions.MemberRemoved, "user", userId.ToString(), new { role = target.Role.ToWire() }, time);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return ApiResults.Ok("User removed from tenant successfully");
        });
    }
}
