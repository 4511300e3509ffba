namespace Tenancy.Api.Features.Tenants;

/// <summary>
/// The tenant name field of a JSON object body, telling an absent field (left alone) from an explicit null (refused),
/// as the original's schemas did. Unknown fields are ignored (D3).
/// </summary>
public static class RequestFields
{
    /// <summary>The tenant name rule (§2.7): a string of 1 to 255 characters after trimming, not only whitespace.</summary>
    public static string? TenantName(JsonElement body, Validation validation, bool required)
    {
        var field = TextField.From(body, "name");
        if ((!field.Present && !required) || !validation.IsString("name", field))
        {
            return null;
        }

        var trimmed = field.Value!.Trim();
        if (trimmed.Length == 0)
        {
            validation.Add("name", "Tenant name cannot be empty or whitespace only");
            return null;
        }

        if (trimmed.Length > Data.Tenant.NameMaxLength)
        {
            validation.Add("name", $"Tenant name must be between 1 and {Data.Tenant.NameMaxLength} characters");
            return null;
        }

        if (Validation.HasInvisibleCharacters(trimmed))
        {
            validation.Add("name", Validation.InvisibleCharactersMessage("Tenant name"));
            return null;
        }

        return trimmed;
    }
}
