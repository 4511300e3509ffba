using Tenancy.Api.Features.Tenants;

namespace Tenancy.Api.Features.Members;

public static class AddMember
{
    public sealed record MemberAdded(
        Guid UserId,
        Guid TenantId,
        string Role,
        [property: System.Text.Json.Serialization.JsonConverter(typeof(IsoTimestampConverter))] DateTimeOffset JoinedAt);

    /// <remarks>
    /// <c>POST /api/tenants/{id}/users</c> (admin), body <c>{user_id, role}</c>. The user must exist and be active;
    /// adding an existing member is a 400 whose message says "already" (D5), also when two adds race.
    /// </remarks>
    public static async Task<Results<Created<SuccessEnvelope<MemberAdded>>, ApiError>> HandleAsync(
        Guid tenantId, ClaimsPrincipal user, [FromBody] JsonElement body, TenancyDbContext db, IdentityUsers users,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var (_, error) = await CallerMembership.RequireAsync(db, tenantId, user.UserId(), TenantRole.Admin, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject();
        }

        var validation = new Validation();
        var userIdField = TextField.From(body, "user_id");
        Guid targetId = default;
        if (validation.IsString("user_id", userIdField) && !Guid.TryParse(userIdField.Value, out targetId))
        {
            validation.Add("user_id", "Not a valid UUID.");
        }

        var roleField = TextField.From(body, "role");
        TenantRole? role = null;
        if (validation.IsString("role", roleField) && !TenantRoles.TryParse(roleField.Value, out role))
        {
            validation.Add("role", "Must be one of: admin, user, viewer.");
        }

        if (!validation.IsValid)
        {
            return validation.ToError();
        }

        var target = await users.GetAsync(targetId, cancellationToken);
        if (target is null || !target.IsActive)
        {
            return ApiError.NotFound("User not found");
        }

        if (await db.Memberships.AnyAsync(m => m.TenantId == tenantId && m.UserId == targetId, cancellationToken))
        {
            return AlreadyMember();
        }

        var membership = new Membership { TenantId = tenantId, UserId = targetId, Role = role!.Value, JoinedAt = time.GetUtcNow() };
        db.Memberships.Add(membership);
        try
        {
            db.EnqueueAudit(tenantId, user.UserId(), AuditActions.MemberAdded, "user", targetId.ToString(), new { role = membership.Role.ToWire() }, time);
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return AlreadyMember();
        }

        return ApiResults.Created($"/api/tenants/{tenantId}/users/{targetId}", "User added to tenant successfully",
            new MemberAdded(targetId, tenantId, membership.Role.ToWire(), membership.JoinedAt));
    }

    private static ApiError AlreadyMember() => ApiError.BadRequest("User is already a member of this tenant");
}
