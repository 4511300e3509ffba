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

    /// <summary>True when <paramref name="value"/> is a string; otherwise notes why not: missing, not a string, or null.</summary>
    public bool IsString(string field, TextField value)
    {
        var problem = !value.Present ? "Missing data for required field."
            : value.WrongType ? "Not a valid string."
            : value.Value is null ? "Field may not be null."
            : null;
        if (problem is not null)
        {
            Add(field, problem);
        }

        return problem is null;
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

        if (HasInvisibleCharacters(trimmed))
        {
            Add(field, InvisibleCharactersMessage(label));
            return null;
        }

        return trimmed;
    }

    /// <summary>
    /// True when <paramref name="value"/> holds a control character or a Unicode format character (category Cf:
    /// bidirectional overrides and isolates such as U+202E, zero-width characters, the BOM, soft hyphens).
    /// Names shown to other people must read as what they are: <c>invoice\u202Efdp.exe</c> displays as
    /// <c>invoiceexe.pdf</c>. See docs/decisions/names-without-format-characters.md.
    /// </summary>
    public static bool HasInvisibleCharacters(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.Format)
            {
                return true;
            }
        }

        return false;
    }

    public static string InvisibleCharactersMessage(string label) =>
        $"{label} cannot contain control or invisible formatting characters (such as bidirectional overrides)";

    public ApiError ToError(string message = "Validation failed") => ApiError.Validation(_errors, message);
}
