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

    public static string Rfc8187Encode(string value)
    {
        var builder = new StringBuilder(value.Length * 3);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (Rune.IsControl(rune))
            {
                continue; // never part of a filename worth keeping
            }

            var length = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < length; i++)
            {
                var b = utf8[i];
                if (IsAttrChar(b))
                {
                    builder.Append((char)b);
                }
                else
                {
                    builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        return builder.ToString();
    }

    // attr-char from RFC 8187: ALPHA / DIGIT / "!" / "#" / "$" / "&" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
    private static bool IsAttrChar(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'&' or (byte)'+' or (byte)'-' or (byte)'.'
            or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';
}
