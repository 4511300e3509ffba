using Tenancy.Api.Features.Tenants;

namespace Tenancy.Api.Features.Invitations;

public static class ListInvitations
{
    public const int MaxListed = 500;

    /// <remarks>
    /// The tenant's invitations, newest first, each with its <c>status</c>: <c>pending</c>, <c>accepted</c>,
    /// <c>revoked</c> or <c>expired</c> (admin only). At most the latest 500; tokens are never shown.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<List<InvitationView>>>, ApiError>> HandleAsync(
        Guid tenantId, ClaimsPrincipal user, TenancyDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var (_, error) = await CallerMembership.RequireAsync(db, tenantId, user.UserId(), TenantRole.Admin, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var now = time.GetUtcNow();
        var invitations = await db.Invitations.AsNoTracking()
            .Where(i => i.TenantId == tenantId)
            .OrderByDescending(i => i.CreatedAt)
            .Take(MaxListed)
            .ToListAsync(cancellationToken);
        return ApiResults.Ok("Invitations retrieved successfully", invitations.Select(i => InvitationView.Of(i, now)).ToList());
    }
}
