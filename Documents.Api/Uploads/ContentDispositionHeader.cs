using System.Text;

namespace Documents.Api.Uploads;

/// <summary>
/// <c>Content-Disposition: attachment</c> that is safe for any filename (RFC 6266): an ASCII fallback in
/// <c>filename="..."</c> (no quotes, backslashes, control characters or non-ASCII) plus the exact name in
/// <c>filename*=UTF-8''...</c> (RFC 8187 percent-encoding), so no name can break or inject into the header.
/// </summary>
public static class ContentDispositionHeader
{
    public static string Attachment(string filename)
    {
        var fallback = AsciiFallback(filename);
        var encoded = Rfc8187Encode(filename);
        return $"attachment; filename=\"{fallback}\"; filename*=UTF-8''{encoded}";
    }

    public static string AsciiFallback(string filename)
    {
        var builder = new StringBuilder(filename.Length);
        foreach (var rune in filename.EnumerateRunes())
        {
            if (Rune.IsControl(rune))
            {
                continue;
            }

            var c = rune.Value;
            builder.Append(c is >= 0x20 and < 0x7F and not '"' and not '\\' and not '%' ? (char)c : '_');
        }

        var result = builder.ToString().Trim();
        return result.Length == 0 ? "download" : result;
    }

    /// <summary>
    /// RFC 8187 percent-encoding of the UTF-8 bytes, control characters dropped (never part of a filename worth keeping).
    /// Only RFC 3986's unreserved characters stay as they are: a subset of RFC 8187's attr-char, which is all it requires.
    /// </summary>
    public static string Rfc8187Encode(string value) =>
        Uri.EscapeDataString(string.Concat(value.EnumerateRunes().Where(rune => !Rune.IsControl(rune)).Select(rune => rune.ToString())));
}
