namespace Documents.Api.Features.Documents;

/// <summary>
/// Entry names of a ZIP of documents: each document's filename, made safe to extract (no directories, no <c>.</c> or
/// <c>..</c>: names from before today's validation may still hold separators) and unique without regard to case, since
/// Windows and macOS extract <c>a.pdf</c> and <c>A.pdf</c> onto the same file. A repeat becomes <c>name (2).ext</c>,
/// <c>name (3).ext</c>, ...
/// </summary>
public sealed class ZipEntryNames
{
    private readonly HashSet<string> _taken = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A unique, safe entry name for <paramref name="filename"/>; remembers it.</summary>
    public string Next(string filename)
    {
        var name = Safe(filename);
        if (_taken.Add(name))
        {
            return name;
        }

        var extension = Path.GetExtension(name);
        var stem = name[..^extension.Length];
        if (stem.Length == 0)
        {
            // ".bashrc": the whole name is the stem.
            (stem, extension) = (name, "");
        }

        for (var n = 2; ; n++)
        {
            var candidate = $"{stem} ({n}){extension}";
            if (_taken.Add(candidate))
            {
                return candidate;
            }
        }
    }

    public static string Safe(string filename)
    {
        var name = filename.Replace('/', '_').Replace('\\', '_').Trim();
        return name.Length == 0 || name.All(c => c == '.') ? "document" : name;
    }
}
