namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>
/// Collects field errors as <c>{field: [messages]}</c> (decision D3). Request types validate themselves with it
/// and hand back either clean values or the <see cref="ApiError"/> to return.
/// </summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
    }

    /// <summary>Required, non-blank, trimmed text within a length range; returns the trimmed value or null.</summary>
    public string? RequiredText(string field, string? value, int min, int max, string label)
    {
        if (value is null)
        {
            Add(field, "Missing data for required field.");
            return null;
        }

        return OptionalText(field, value, min, max, label);
    }

    /// <summary>Like <see cref="RequiredText"/> for a field that may be absent; an explicit null is still refused.</summary>
    public string? OptionalText(string field, string? value, int min, int max, string label, bool present = true)
    {
        if (!present)
        {
            return null;
        }

        if (value is null)
        {
            Add(field, "Field may not be null.");
            return null;
        }

        var trimmed = value.Trim();
        if (trimmed.Length == 0 || trimmed.Length < min || trimmed.Length > max)
        {
            Add(field, $"{label} must be between {min} and {max} characters");
            return null;
        }

        return trimmed;
    }

    public ApiError ToError(string message = "Validation failed") => ApiError.Validation(_errors, message);
}
