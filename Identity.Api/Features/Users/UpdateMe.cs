namespace Identity.Api.Features.Users;

public static class UpdateMe
{
    public static async Task<Results<Ok<SuccessEnvelope<UserResponse>>, ApiError>> HandleAsync(
        ClaimsPrincipal principal,
        [FromBody] JsonElement body,
        IdentityDbContext db,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject();
        }

        var validation = new Validation();
        var firstNameField = TextField.From(body, "first_name");
        var lastNameField = TextField.From(body, "last_name");
        var firstName = AccountRules.Name(validation, "first_name", "First name", firstNameField, required: false);
        var lastName = AccountRules.Name(validation, "last_name", "Last name", lastNameField, required: false);
        if (!validation.IsValid)
        {
            return validation.ToError();
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == principal.UserId(), cancellationToken);
        if (user is null)
        {
            return ApiError.NotFound("User not found");
        }

        if (!user.IsActive)
        {
            return ApiError.Unauthorized("Token has been revoked", ErrorCodes.TokenRevoked);
        }

        var changed = false;
        if (firstNameField.Present && firstName != user.FirstName)
        {
            user.FirstName = firstName!;
            changed = true;
        }

        if (lastNameField.Present && lastName != user.LastName)
        {
            user.LastName = lastName!;
            changed = true;
        }

        // Like the original ORM: updated_at moves only when something really changed ({} is a no-op).
        if (changed)
        {
            user.UpdatedAt = time.UtcNowForDatabase();
            await db.SaveChangesAsync(cancellationToken);
        }

        return ApiResults.Ok("User profile updated successfully", user.ToResponse());
    }
}
