using System.Text.Unicode;

namespace Events.Worker.Features.Files;

/// <summary>
/// The real type of content from its first bytes (magic numbers): PDF, PNG, JPEG, GIF, ZIP and the Office Open XML
/// formats inside ZIP (docx, xlsx, pptx), and text. Anything else is <c>application/octet-stream</c>.
/// </summary>
public static class ContentSniffer
{
    /// <summary>How many leading bytes <see cref="Detect"/> wants (an OOXML part name is usually within them).</summary>
    public const int PrefixLength = 8 * 1024;

    public const string Unknown = "application/octet-stream";
    public const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    public const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    public const string Pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    private static ReadOnlySpan<byte> Utf16LeBom => [0xFF, 0xFE];

    private static ReadOnlySpan<byte> Utf16BeBom => [0xFE, 0xFF];

    public static string Detect(ReadOnlySpan<byte> prefix)
    {
        if (prefix.StartsWith("%PDF-"u8))
        {
            return "application/pdf";
        }

        if (prefix.StartsWith(PngSignature))
        {
            return "image/png";
        }

        if (prefix.StartsWith(JpegSignature))
        {
            return "image/jpeg";
        }

        if (prefix.StartsWith("GIF87a"u8) || prefix.StartsWith("GIF89a"u8))
        {
            return "image/gif";
        }

        if (prefix.StartsWith("PK\x03\x04"u8) || prefix.StartsWith("PK\x05\x06"u8))
        {
            return DetectZip(prefix);
        }

        return IsText(prefix) ? "text/plain" : Unknown;
    }

    /// <summary>
    /// Whether the declared type contradicts the detected one. Generic declarations (octet-stream), text subtypes of
    /// detected text, and OOXML or other ZIP-based formats declared for a plain ZIP are not contradictions.
    /// </summary>
    public static bool IsMismatch(string declared, string detected)
    {
        declared = declared.Trim().ToLowerInvariant();
        if (declared == detected || declared == Unknown || detected == Unknown)
        {
            return false;
        }

        return detected switch
        {
            "text/plain" => !(declared.StartsWith("text/", StringComparison.Ordinal)
                              || declared is "application/json" or "application/xml" or "application/javascript"
                                  or "application/x-yaml" or "application/yaml" or "application/csv" or "image/svg+xml"),
            "image/jpeg" => declared is not ("image/jpg" or "image/pjpeg"),
            "application/zip" => !(declared is "application/x-zip-compressed" or "application/x-zip"
                                   || declared.Contains("openxmlformats", StringComparison.Ordinal)
                                   || declared.StartsWith("application/vnd.oasis.opendocument", StringComparison.Ordinal)
                                   || declared is "application/epub+zip" or "application/java-archive"),
            _ => true,
        };
    }

    private static string DetectZip(ReadOnlySpan<byte> prefix)
    {
        // Office files list [Content_Types].xml and their main folder among the first entries.
        if (prefix.IndexOf("word/"u8) >= 0)
        {
            return Docx;
        }

        if (prefix.IndexOf("xl/"u8) >= 0)
        {
            return Xlsx;
        }

        if (prefix.IndexOf("ppt/"u8) >= 0)
        {
            return Pptx;
        }

        return "application/zip";
    }

    /// <summary>UTF-8 (a sequence cut at the end is fine) or UTF-16 with a BOM, without NULs or other binary controls.</summary>
    private static bool IsText(ReadOnlySpan<byte> prefix)
    {
        if (prefix.IsEmpty)
        {
            return false;
        }

        if (prefix.StartsWith(Utf16LeBom) || prefix.StartsWith(Utf16BeBom))
        {
            return true;
        }

        if (prefix.StartsWith(Utf8Bom))
        {
            prefix = prefix[3..];
        }

        foreach (var b in prefix)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\n' or (byte)'\r' or 0x0C or 0x1B))
            {
                return false;
            }
        }

        // Allow a multi-byte character cut off by the prefix length.
        for (var trim = 0; trim <= Math.Min(3, prefix.Length); trim++)
        {
            if (Utf8.IsValid(prefix[..^trim]))
            {
                return true;
            }
        }

        return false;
    }
}
