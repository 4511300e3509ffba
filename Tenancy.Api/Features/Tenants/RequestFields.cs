using System.Text.Json;
using SaasPlatform.ServiceDefaults.Http;

namespace Tenancy.Api.Features.Tenants;

/// <summary>
/// Reads fields of a JSON object body, telling an absent field (left alone) from an explicit null (refused), as the
/// original's schemas did. Unknown fields are ignored (D3).
/// </summary>
public static class RequestFields
{
    public static ApiError NotAnObject() =>
        ApiError.Validation(new Dictionary<string, List<string>> { ["_schema"] = ["Invalid input type."] });

    /// <summary>The raw string of <paramref name="name"/>; <c>present</c> false when absent. Adds errors for null and non-strings.</summary>
    public static string? String(JsonElement body, string name, Validation validation, out bool present)
    {
        present = body.TryGetProperty(name, out var value);
        if (!present)
        {
            return null;
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return value.GetString();
            case JsonValueKind.Null:
                validation.Add(name, "Field may not be null.");
                return null;
            default:
                validation.Add(name, "Not a valid string.");
                return null;
        }
    }

    /// <summary>The tenant name rule (§2.7): a string of 1 to 255 characters after trimming, not only whitespace.</summary>
    public static string? TenantName(JsonElement body, Validation validation, bool required)
    {
        var raw = String(body, "name", validation, out var present);
        if (!present)
        {
            if (required)
            {
                validation.Add("name", "Missing data for required field.");
            }

            return null;
        }

        if (raw is null)
        {
            return null;
        }

        var trimmed = raw.Trim();
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
