using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using SaasPlatform.ServiceDefaults.Http;

namespace Events.Worker.Features.Audit;

/// <summary>Paging parameters per decision D16: <c>page &gt;= 1</c>, <c>1 &lt;= per_page &lt;= 100</c>, else 400.</summary>
internal readonly record struct Paging(int Page, int PerPage)
{
    public const int DefaultPerPage = 20;
    public const int MaxPerPage = 100;

    public static bool TryParse(string? page, string? perPage, out Paging paging, [NotNullWhen(false)] out ApiError? error)
    {
        var validation = new Validation();
        var p = 1;
        var pp = DefaultPerPage;
        if (page is not null && (!int.TryParse(page, NumberStyles.Integer, CultureInfo.InvariantCulture, out p) || p < 1))
        {
            validation.Add("page", "Page number must be >= 1");
        }

        if (perPage is not null && (!int.TryParse(perPage, NumberStyles.Integer, CultureInfo.InvariantCulture, out pp) || pp < 1 || pp > MaxPerPage))
        {
            validation.Add("per_page", $"Per page must be between 1 and {MaxPerPage}");
        }

        paging = new Paging(p, pp);
        error = validation.IsValid ? null : validation.ToError();
        return error is null;
    }
}
