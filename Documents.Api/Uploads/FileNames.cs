namespace Documents.Api.Uploads;

/// <summary>
/// Document filenames: 1-255 characters after trimming, not blank, no path separators, no control or format
/// characters (a U+202E in <c>invoice\u202Efdp.exe</c> would display it as a PDF).
/// </summary>
public static class FileNames
{
    public const int MaxLength = 255;

    /// <summary>The trimmed name, or the reason it is refused.</summary>
    public static (string? Value, string? Error) Validate(string? value)
    {
        var trimmed = value?.Trim() ?? "";
        if (trimmed.Length is 0 or > MaxLength)
        {
            return (null, $"Filename must be between 1 and {MaxLength} characters");
        }

        if (trimmed.Contains('/', StringComparison.Ordinal) || trimmed.Contains('\\', StringComparison.Ordinal))
        {
            return (null, "Filename cannot contain path separators");
        }

        if (Validation.HasInvisibleCharacters(trimmed))
        {
            return (null, Validation.InvisibleCharactersMessage("Filename"));
        }

        return (trimmed, null);
    }

    /// <summary>
    /// The name a client's file part carries, reduced to its last path segment without control characters (browsers
    /// on Windows send full paths). Unicode is kept (downloads encode it safely); format characters are kept too, so
    /// that <see cref="Validate"/> refuses the name rather than silently changing what it displays as.
    /// </summary>
    public static string FromUpload(string? uploadName)
    {
        var name = uploadName ?? "";
        var slash = name.LastIndexOfAny(['/', '\\']);
        if (slash >= 0)
        {
            name = name[(slash + 1)..];
        }

        return new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
    }
}
