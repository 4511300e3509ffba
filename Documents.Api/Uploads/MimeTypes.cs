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

    /// <summary>
    /// The type a stored document is served with (proxy download and presigned URL alike): its own type, except for
    /// types a browser would execute or render as a page in the storage or API origin (HTML, SVG, XML and XHTML,
    /// JavaScript, XSL, Flash), which are served as <see cref="Default"/>. Together with <c>attachment</c> and
    /// <c>nosniff</c> a client-chosen type can then never run script for whoever opens the link.
    /// </summary>
    public static string ServedAs(string storedType) => IsActive(storedType) ? Default : storedType;

    /// <summary>True for a type whose content a browser may execute (<see cref="ServedAs"/>).</summary>
    public static bool IsActive(string? type)
    {
        var essence = Normalise(type);
        if (essence is null)
        {
            // Whatever it is, it is not a type we can vouch for.
            return true;
        }

        return ActiveTypes.Contains(essence) || essence.EndsWith("+xml", StringComparison.Ordinal);
    }

    private static readonly HashSet<string> ActiveTypes = new(StringComparer.Ordinal)
    {
        "text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml", "text/xsl",
        "application/xslt+xml", "text/javascript", "application/javascript", "application/x-javascript",
        "application/ecmascript", "text/ecmascript", "text/jscript", "text/livescript", "application/json+javascript",
        "text/vnd.wap.wml", "application/x-shockwave-flash", "multipart/x-mixed-replace", "text/x-component",
        "application/hta", "text/x-scriptlet", "application/mathml+xml", "text/cache-manifest",
    };

    [GeneratedRegex(@"^[a-z0-9][a-z0-9\-+.]*/[a-z0-9][a-z0-9\-+.]*$")]
    private static partial Regex Shape();
}
