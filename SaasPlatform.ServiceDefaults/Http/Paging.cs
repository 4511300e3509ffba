namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>
/// <c>page</c> (default 1, 1..<see cref="MaxPage"/>) and <c>per_page</c> (default 20, 1..100) of every list endpoint
/// (decision D16). A value that is not an integer, or out of range, is a 400 in the envelope, never silently replaced.
/// The page bound keeps <see cref="Skip"/> far inside <see cref="int"/> for any valid <c>per_page</c>, so no
/// combination of values can overflow into a negative OFFSET (see docs/decisions/paging-bounds.md).
/// </summary>
public readonly record struct Paging(int Page, int PerPage)
{
    public const int DefaultPerPage = 20;
    public const int MaxPerPage = 100;
    public const int MaxPage = 1_000_000;
    public static readonly string PageMessage = $"Page number must be between 1 and {MaxPage}";
    public static readonly string PerPageMessage = $"Per page must be between 1 and {MaxPerPage}";

    /// <summary>Rows before this page: at most (<see cref="MaxPage"/> - 1) x <see cref="MaxPerPage"/>, below 10^8.</summary>
    public int Skip => checked((Page - 1) * PerPage);

    /// <summary>The paging, or the validation error naming each bad field.</summary>
    public static (Paging Paging, ApiError? Error) Parse(string? page, string? perPage)
    {
        var validation = new Validation();
        var pageValue = Read(page, 1, MaxPage, 1);
        var perPageValue = Read(perPage, 1, MaxPerPage, DefaultPerPage);
        if (pageValue is null)
        {
            validation.Add("page", PageMessage);
        }

        if (perPageValue is null)
        {
            validation.Add("per_page", PerPageMessage);
        }

        return validation.IsValid ? (new Paging(pageValue!.Value, perPageValue!.Value), null) : (default, validation.ToError());
    }

    /// <summary>The pagination block of a list answer; <c>pages</c> is <paramref name="total"/> over per_page, rounded up.</summary>
    public PaginationInfo Describe(long total) =>
        new(Page, PerPage, total, total <= 0 ? 0 : (int)Math.Min(int.MaxValue, (total + PerPage - 1) / PerPage));

    /// <summary>The value within [min, max], the default when absent, or null when it is not such an integer.</summary>
    private static int? Read(string? text, int min, int max, int absent)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return absent;
        }

        // long first: "2147483648" and beyond are out of range (400), not a parse failure of another kind.
        return long.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign,
                   CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? (int)value
            : null;
    }
}

public sealed record PaginationInfo(int Page, int PerPage, long Total, int Pages);
