using System.Globalization;
using System.Text.RegularExpressions;

namespace Documents.Api.Features.Documents;

public enum DocumentSort
{
    Date,
    Name,
    Size,
}

/// <summary>
/// The filters and order of <c>GET /api/tenants/{tid}/documents</c>, parsed from the query string: every bad value is a
/// 400 naming its parameter, never a silent default. Absent or blank parameters filter nothing. Upload dates are a
/// half-open range: <c>uploaded_after &lt;= created_at &lt; uploaded_before</c>. See docs/decisions/document-search.md.
/// </summary>
public sealed partial record DocumentListQuery(
    string? Filename,
    string? MimeType,
    long? MinSize,
    long? MaxSize,
    DateTimeOffset? UploadedAfter,
    DateTimeOffset? UploadedBefore,
    Guid? UploadedBy,
    DocumentSort Sort,
    bool Descending)
{
    public static readonly DocumentListQuery Default = new(null, null, null, null, null, null, null, DocumentSort.Date, true);

    /// <summary>The value of <c>mime_type</c> that matches a whole family (<c>image/*</c>).</summary>
    private const string AnySubtype = "/*";

    public static (DocumentListQuery? Query, ApiError? Error) Parse(
        string? filename, string? mimeType, string? minSize, string? maxSize, string? uploadedAfter, string? uploadedBefore,
        string? uploadedBy, string? sort, string? order)
    {
        var validation = new Validation();

        if (filename is { Length: > Document.FilenameMaxLength })
        {
            validation.Add("filename", $"filename must be at most {Document.FilenameMaxLength} characters");
        }

        var mime = ParseMimeType(mimeType, validation);
        var min = ParseSize("min_size", minSize, validation);
        var max = ParseSize("max_size", maxSize, validation);
        if (min > max)
        {
            validation.Add("min_size", "min_size must not be greater than max_size");
        }

        var after = ParseTimestamp("uploaded_after", uploadedAfter, validation);
        var before = ParseTimestamp("uploaded_before", uploadedBefore, validation);
        if (after > before)
        {
            validation.Add("uploaded_after", "uploaded_after must not be later than uploaded_before");
        }

        Guid? uploader = null;
        if (!string.IsNullOrWhiteSpace(uploadedBy))
        {
            if (Guid.TryParse(uploadedBy.Trim(), out var id))
            {
                uploader = id;
            }
            else
            {
                validation.Add("uploaded_by", "uploaded_by must be a user id (UUID)");
            }
        }

        var sortBy = DocumentSort.Date;
        switch (sort?.Trim().ToLowerInvariant())
        {
            case null or "" or "date":
                break;
            case "name":
                sortBy = DocumentSort.Name;
                break;
            case "size":
                sortBy = DocumentSort.Size;
                break;
            default:
                validation.Add("sort", "sort must be one of: name, date, size");
                break;
        }

        // Names read A to Z by default; dates and sizes newest and largest first.
        var descending = sortBy != DocumentSort.Name;
        switch (order?.Trim().ToLowerInvariant())
        {
            case null or "":
                break;
            case "asc":
                descending = false;
                break;
            case "desc":
                descending = true;
                break;
            default:
                validation.Add("order", "order must be asc or desc");
                break;
        }

        return validation.IsValid
            ? (new DocumentListQuery(string.IsNullOrEmpty(filename) ? null : filename, mime, min, max, after, before, uploader, sortBy, descending), null)
            : (null, validation.ToError());
    }

    /// <summary>The rows the filters keep (the count and the page both come from this).</summary>
    public IQueryable<Document> Filter(IQueryable<Document> documents)
    {
        if (Filename is not null)
        {
            // ILIKE '%x%' as lower(filename) LIKE lower('%x%'), which is how PostgreSQL computes ILIKE, with lower(filename)
            // stored (filename_lower) and the pattern lowered once by PostgreSQL, not per row; served by the trigram index
            // ix_documents_filename_lower_trgm (three characters or more). See docs/decisions/document-search.md.
            var pattern = $"%{ListDocuments.EscapeLike(Filename)}%";
            documents = documents.Where(d => EF.Functions.Like(d.FilenameLower, EF.Parameter(pattern).ToLower(), "\\"));
        }

        if (MimeType is not null)
        {
            if (MimeType.EndsWith(AnySubtype, StringComparison.Ordinal))
            {
                var family = $"{ListDocuments.EscapeLike(MimeType[..^1])}%";
                documents = documents.Where(d => EF.Functions.Like(d.MimeType, family, "\\"));
            }
            else
            {
                var type = MimeType;
                documents = documents.Where(d => d.MimeType == type);
            }
        }

        if (MinSize is { } min)
        {
            documents = documents.Where(d => d.FileSize >= min);
        }

        if (MaxSize is { } max)
        {
            documents = documents.Where(d => d.FileSize <= max);
        }

        if (UploadedAfter is { } after)
        {
            documents = documents.Where(d => d.CreatedAt >= after);
        }

        if (UploadedBefore is { } before)
        {
            documents = documents.Where(d => d.CreatedAt < before);
        }

        if (UploadedBy is { } uploader)
        {
            documents = documents.Where(d => d.UserId == uploader);
        }

        return documents;
    }

    /// <summary>Name order with a filename filter sorts the matches themselves up to this many (see <see cref="Order(IQueryable{Document}, long)"/>).</summary>
    public const long SortMatchesUpTo = 10_000;

    /// <summary>
    /// The requested order, ties broken by id in the same direction, so pages never overlap or skip.
    /// <paramref name="total"/> is the number of matches (the count already run).
    /// </summary>
    /// <remarks>
    /// With a <c>LIMIT</c>, PostgreSQL likes to walk an index in the requested order until it has met a page of matches,
    /// assuming matches are spread evenly along it. Names containing "summary" are not: most start with it, so in name
    /// order they all come late, and the walk reads nearly every document first (300 ms at 100,000 documents). For
    /// that combination, and a number of matches that is cheap to sort, the rows to sort are first taken the way the
    /// count took them (the trigram index): <c>OFFSET</c> in a subquery keeps PostgreSQL from merging it into the
    /// ordered query, which then only sorts the matches (docs/decisions/document-search.md).
    /// </remarks>
    public IOrderedQueryable<Document> Order(IQueryable<Document> documents, long total)
    {
        if (Sort == DocumentSort.Name && Filename is not null && total <= SortMatchesUpTo)
        {
            var fence = 0; // a parameter, so that the OFFSET (and with it the subquery) stays in the SQL
            documents = documents.Skip(fence);
        }

        return OrderBySortKey(documents);
    }

    private IOrderedQueryable<Document> OrderBySortKey(IQueryable<Document> documents) => (Sort, Descending) switch
    {
        (DocumentSort.Name, false) => documents.OrderBy(d => d.Filename).ThenBy(d => d.Id),
        (DocumentSort.Name, true) => documents.OrderByDescending(d => d.Filename).ThenByDescending(d => d.Id),
        (DocumentSort.Size, false) => documents.OrderBy(d => d.FileSize).ThenBy(d => d.Id),
        (DocumentSort.Size, true) => documents.OrderByDescending(d => d.FileSize).ThenByDescending(d => d.Id),
        (_, false) => documents.OrderBy(d => d.CreatedAt).ThenBy(d => d.Id),
        _ => documents.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id),
    };

    private static string? ParseMimeType(string? value, Validation validation)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        // "image/*": the family; checked as "image/x" would be, so the prefix is a valid type.
        var family = trimmed.EndsWith(AnySubtype, StringComparison.Ordinal);
        var normalised = MimeTypes.Normalise(family ? trimmed[..^1] + "x" : trimmed);
        if (normalised is null)
        {
            validation.Add("mime_type", "mime_type must be a MIME type such as application/pdf, or a family such as image/*");
            return null;
        }

        return family ? normalised[..^1] + "*" : normalised;
    }

    private static long? ParseSize(string field, string? value, Validation validation)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (long.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return size;
        }

        validation.Add(field, $"{field} must be a whole number of bytes (0 or more)");
        return null;
    }

    /// <summary>
    /// ISO 8601: a date (midnight UTC), or a date and time with optional fractions and an offset (UTC without one). A
    /// <c>+</c> offset sent unencoded arrives as a space; it is read as the <c>+</c> it was.
    /// </summary>
    private static DateTimeOffset? ParseTimestamp(string field, string? value, Validation validation)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = UnencodedPlus().Replace(value.Trim(), "+$1");
        if (IsoTimestamp().IsMatch(text)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
        {
            // Npgsql writes timestamptz parameters in UTC only.
            return parsed.ToUniversalTime();
        }

        validation.Add(field, $"{field} must be an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T12:00:00Z");
        return null;
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex IsoTimestamp();

    [GeneratedRegex(@"(?<=T[\d:.]+) (\d{2}:\d{2})$", RegexOptions.CultureInvariant)]
    private static partial Regex UnencodedPlus();
}
