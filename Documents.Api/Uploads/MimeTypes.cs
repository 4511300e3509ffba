using System.Text.RegularExpressions;

namespace Documents.Api.Uploads;

/// <summary>
/// The client's MIME type (decision D9): parameters such as <c>; charset=utf-8</c> are dropped, the rest is trimmed
/// and lower-cased, then must be <c>type/subtype</c> where each side starts alphanumeric and continues with
/// <c>[A-Za-z0-9-+.]</c>, 1 to 100 characters in all.
/// </summary>
public static partial class MimeTypes
{
    public const string Default = "application/octet-stream";
    public const int MaxLength = 100;
    public const string InvalidMessage = "mime_type must be a valid MIME type (type/subtype)";

    /// <summary>The normalised type, or null when the value is not a MIME type.</summary>
    public static string? Normalise(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var semicolon = value.IndexOf(';', StringComparison.Ordinal);
        var essence = (semicolon >= 0 ? value[..semicolon] : value).Trim().ToLowerInvariant();
        return essence.Length is > 0 and <= MaxLength && Shape().IsMatch(essence) ? essence : null;
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9\-+.]*/[a-z0-9][a-z0-9\-+.]*$")]
    private static partial Regex Shape();
}
