using System.Globalization;
using SaasPlatform.ServiceDefaults.Http;

namespace Documents.Api.Features;

/// <summary>
/// <c>page</c> (default 1, at least 1) and <c>per_page</c> (default 20, 1..100), decision D16. A value that is not
/// an integer is refused like an out-of-range one (D3), never silently replaced.
/// </summary>
public readonly record struct Paging(int Page, int PerPage)
{
    public const int DefaultPerPage = 20;
    public const int MaxPerPage = 100;
    public const string PageMessage = "Page number must be >= 1";
    public const string PerPageMessage = "Per page must be between 1 and 100";

    public int Skip => (Page - 1) * PerPage;

    public static (Paging Paging, ApiError? Error) Parse(string? page, string? perPage)
    {
        var validation = new Validation();
        var pageValue = 1;
        var perPageValue = DefaultPerPage;
        if (!string.IsNullOrWhiteSpace(page)
            && (!int.TryParse(page, NumberStyles.Integer, CultureInfo.InvariantCulture, out pageValue) || pageValue < 1))
        {
            validation.Add("page", PageMessage);
        }

        if (!string.IsNullOrWhiteSpace(perPage)
            && (!int.TryParse(perPage, NumberStyles.Integer, CultureInfo.InvariantCulture, out perPageValue)
                || perPageValue is < 1 or > MaxPerPage))
        {
            validation.Add("per_page", PerPageMessage);
        }

        if (!validation.IsValid)
        {
            return (default, validation.ToError());
        }

        return (new Paging(pageValue, perPageValue), null);
    }

    public PaginationInfo Describe(long total) =>
        new(Page, PerPage, total, total == 0 ? 0 : (int)((total + PerPage - 1) / PerPage));
}

public sealed record PaginationInfo(int Page, int PerPage, long Total, int Pages);
