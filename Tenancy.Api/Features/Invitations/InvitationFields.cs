namespace Tenancy.Api.Features.Invitations;

/// <summary>The fields of invitation requests, with the messages of the other endpoints.</summary>
public static class InvitationFields
{
    /// <summary>The address rule of registration (<see cref="EmailAddress"/>, at most 255 characters); lower-cased as Identity.Api stores it.</summary>
    public static string? Email(Validation validation, TextField field)
    {
        if (!validation.IsString("email", field))
        {
            return null;
        }

        var value = field.Value!.Trim();
        if (value.Length > Invitation.EmailMaxLength)
        {
            validation.Add("email", $"Longer than maximum length {Invitation.EmailMaxLength}.");
            return null;
        }

        if (!EmailAddress.IsValid(value))
        {
            validation.Add("email", "Not a valid email address.");
            return null;
        }

        return value.ToLowerInvariant();
    }

    public static TenantRole? Role(Validation validation, TextField field)
    {
        if (!validation.IsString("role", field))
        {
            return null;
        }

        if (!TenantRoles.TryParse(field.Value, out var role))
        {
            validation.Add("role", "Must be one of: admin, user, viewer.");
            return null;
        }

        return role;
    }

    /// <summary>The <c>token</c> field: a non-empty string (whether it names an invitation is checked by the lookup).</summary>
    public static string? Token(Validation validation, TextField field)
    {
        if (!validation.IsString("token", field))
        {
            return null;
        }

        if (field.Value is not { Length: > 0 and <= 512 } token)
        {
            validation.Add("token", "Not a valid token.");
            return null;
        }

        return token;
    }
}
