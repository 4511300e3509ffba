using Tenancy.Api.Features.Tenants;

namespace Tenancy.Api.Features.Invitations;

public static class RevokeInvitation
{
    /// <remarks>
    /// Revokes an invitation of the tenant (admin only): its link stops working at once. 404 for an unknown
    /// invitation; 409 when it has been accepted (remove the member instead); revoking a revoked or expired invitation
    /// changes nothing and answers 200 with its current state.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<InvitationView>>, ApiError>> HandleAsync(
        Guid tenantId, Guid invitationId, ClaimsPrincipal user, TenancyDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var callerId = user.UserId();
        var (_, error) = await CallerMembership.RequireAsync(db, tenantId, callerId, TenantRole.Admin, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId && i.TenantId == tenantId, cancellationToken);
        if (invitation is null)
        {
            return ApiError.NotFound("Invitation not found");
        }

        var now = time.GetUtcNow();
        if (invitation.AcceptedAt is not null)
        {
            return AlreadyAccepted();
        }

        if (invitation.IsPending(now))
        {
            invitation.RevokedAt = now;
            db.EnqueueAudit(tenantId, callerId, AuditActions.InvitationRevoked, "invitation", invitation.Id.ToString(),
                new { email = invitation.Email, role = invitation.Role.ToWire() }, time);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // A concurrent accept or revoke committed first: nothing was written.
                return ApiError.Conflict("The invitation was accepted or revoked meanwhile");
            }
        }

        return ApiResults.Ok("Invitation revoked", InvitationView.Of(invitation, now));
    }

    private static ApiError AlreadyAccepted() => ApiError.Conflict("The invitation has been accepted already; remove the member instead");
}
