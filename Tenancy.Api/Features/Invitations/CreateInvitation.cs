using Tenancy.Api.Features.Tenants;

namespace Tenancy.Api.Features.Invitations;

public static class CreateInvitation
{
    /// <remarks>
    /// Invites an address to the tenant with a role (admin only; body <c>{email, role}</c>). An e-mail with a single-use
    /// accept link (valid for <c>Tenants:Invitations:Lifetime</c>, 7 days by default) goes to the address; the token
    /// is never in the answer. Inviting an address again revokes its earlier pending invitation, so only the latest
    /// link works. 400 when the address belongs to a member already; 429 with <c>Retry-After</c> beyond
    /// <c>Tenants:Invitations:MaxPerTenantPerHour</c> invitations of the tenant within an hour.
    /// </remarks>
    public static async Task<Results<Created<SuccessEnvelope<InvitationView>>, ApiError>> HandleAsync(
        Guid tenantId, ClaimsPrincipal user, [FromBody] JsonElement body, TenancyDbContext db, IdentityUsers users,
        InvitationMail mail, IOptions<InvitationSettings> settings, TimeProvider time, CancellationToken cancellationToken)
    {
        var callerId = user.UserId();
        var (found, error) = await CallerMembership.RequireAsync(db, tenantId, callerId, TenantRole.Admin, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject();
        }

        var validation = new Validation();
        var email = InvitationFields.Email(validation, TextField.From(body, "email"));
        var role = InvitationFields.Role(validation, TextField.From(body, "role"));
        if (!validation.IsValid)
        {
            return validation.ToError();
        }

        var now = time.GetUtcNow();
        if (await RateLimitAsync(db, tenantId, settings.Value.MaxPerTenantPerHour, now, cancellationToken) is { } limited)
        {
            return limited;
        }

        if (await users.FindByEmailAsync(email!, cancellationToken) is { } existing
            && await db.Memberships.AnyAsync(m => m.TenantId == tenantId && m.UserId == existing.Id, cancellationToken))
        {
            return ApiError.BadRequest("User is already a member of this tenant");
        }

        var earlier = await db.Invitations
            .Where(i => i.TenantId == tenantId && i.Email == email && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ToListAsync(cancellationToken);
        foreach (var pending in earlier)
        {
            pending.RevokedAt = now;
        }

        var token = LinkTokens.New();
        var invitation = new Invitation
        {
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            Email = email!,
            Role = role!.Value,
            TokenHash = LinkTokens.Hash(token),
            InvitedBy = callerId,
            CreatedAt = now,
            ExpiresAt = now + settings.Value.Lifetime,
        };
        db.Invitations.Add(invitation);
        var inviter = await users.GetAsync(callerId, cancellationToken);
        mail.Enqueue(db, invitation, found!.Tenant.Name, inviter is null ? "A colleague" : $"{inviter.FirstName} {inviter.LastName}", token);
        db.EnqueueAudit(tenantId, callerId, AuditActions.InvitationCreated, "invitation", invitation.Id.ToString(),
            new { email, role = invitation.Role.ToWire(), expires_at = IsoTimestampConverter.Format(invitation.ExpiresAt), replaced = earlier.Count }, time);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The earlier invitation was accepted or revoked by a concurrent request: nothing was written.
            return ApiError.Conflict("An earlier invitation to this address changed meanwhile; retry");
        }

        return ApiResults.Created($"/api/tenants/{tenantId}/invitations/{invitation.Id}", "Invitation sent", InvitationView.Of(invitation, now));
    }

    /// <summary>429 when the tenant has sent its hourly number of invitations; the answer says when a place frees up.</summary>
    private static async Task<ApiError?> RateLimitAsync(TenancyDbContext db, Guid tenantId, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var perHour = Math.Max(1, limit);
        var since = now - TimeSpan.FromHours(1);
        var recent = await db.Invitations.Where(i => i.TenantId == tenantId && i.CreatedAt > since)
            .OrderByDescending(i => i.CreatedAt).Select(i => i.CreatedAt).Take(perHour).ToListAsync(cancellationToken);
        if (recent.Count < perHour)
        {
            return null;
        }

        // The oldest of the last perHour invitations leaves the window first.
        var wait = TimeSpan.FromSeconds(Math.Max(1, Math.Ceiling((recent[^1] + TimeSpan.FromHours(1) - now).TotalSeconds)));
        return new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
            $"Too many invitations: a tenant may send at most {perHour} per hour. Retry in {wait.TotalSeconds:0} seconds.")
        {
            RetryAfter = wait,
        };
    }
}
