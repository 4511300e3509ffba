using System.Text.Json.Serialization;

namespace Tenancy.Api.Features.Invitations;

public static class AcceptInvitation
{
    public sealed record Joined(
        Guid TenantId,
        string TenantName,
        Guid UserId,
        string Role,
        [property: JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset JoinedAt);

    /// <remarks>
    /// Joins the tenant with the invitation's role (body <c>{token}</c>, from the e-mail's link). The caller must be
    /// signed in with the invited address: a new address registers first (<c>POST /api/auth/register</c>), logs in
    /// and then accepts (docs/decisions/tenant-invitations.md). 400 <c>invalid_token</c> for an unknown, used,
    /// revoked or expired invitation (one answer for all); 403 when the caller's address is another; 400 when the
    /// caller is a member already. The membership is audited (<c>member.added</c>) and announced to the tenant's live
    /// notifications like any other.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<Joined>>, ApiError>> HandleAsync(
        ClaimsPrincipal user, [FromBody] JsonElement body, TenancyDbContext db, IdentityUsers users, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject();
        }

        var validation = new Validation();
        var token = InvitationFields.Token(validation, TextField.From(body, "token"));
        if (!validation.IsValid)
        {
            return validation.ToError();
        }

        var now = time.GetUtcNow();
        var invitation = LinkTokens.IsWellFormed(token)
            ? await db.Invitations.Include(i => i.Tenant).SingleOrDefaultAsync(i => i.TokenHash == LinkTokens.Hash(token!), cancellationToken)
            : null;
        if (invitation is null || !invitation.IsPending(now) || invitation.Tenant is not { IsActive: true, Status: TenantStatus.Active })
        {
            return Invalid();
        }

        var callerId = user.UserId();
        var caller = await users.GetAsync(callerId, cancellationToken);
        if (caller is null || !caller.IsActive)
        {
            return ApiError.Unauthorized("Token has been revoked", ErrorCodes.TokenRevoked);
        }

        // A forwarded or leaked link must not let another account in.
        if (!string.Equals(caller.Email, invitation.Email, StringComparison.OrdinalIgnoreCase))
        {
            return ApiError.Forbidden("This invitation was sent to another email address");
        }

        if (await db.Memberships.AnyAsync(m => m.TenantId == invitation.TenantId && m.UserId == callerId, cancellationToken))
        {
            return AlreadyMember();
        }

        invitation.AcceptedAt = now;
        invitation.AcceptedBy = callerId;
        db.Memberships.Add(new Membership { TenantId = invitation.TenantId, UserId = callerId, Role = invitation.Role, JoinedAt = now });
        // member.added as for POST /api/tenants/{id}/users (its live notification included), with the invitation it came from.
        db.EnqueueAudit(invitation.TenantId, callerId, AuditActions.MemberAdded, "user", callerId.ToString(),
            new { role = invitation.Role.ToWire(), invitation_id = invitation.Id, invited_by = invitation.InvitedBy }, time);
        db.EnqueueAudit(invitation.TenantId, callerId, AuditActions.InvitationAccepted, "invitation", invitation.Id.ToString(),
            new { email = invitation.Email, role = invitation.Role.ToWire() }, time);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Invalid(); // revoked or accepted by a concurrent request
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return AlreadyMember();
        }

        return ApiResults.Ok("Invitation accepted", new Joined(invitation.TenantId, invitation.Tenant.Name, callerId, invitation.Role.ToWire(), now));
    }

    private static ApiError Invalid() =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidToken, "This invitation is invalid, has expired or has already been used");

    private static ApiError AlreadyMember() => ApiError.BadRequest("User is already a member of this tenant");
}
