using Documents.Api.Features.Documents;
using SaasPlatform.ServiceDefaults.Http;

namespace SaasPlatform.UnitTests.ServiceDefaults;

public sealed class PagingTests
{
    [Theory]
    [InlineData(null, null, 1, 20)]
    [InlineData("", "", 1, 20)]
    [InlineData("2", "10", 2, 10)]
    [InlineData("1", "1", 1, 1)]
    [InlineData("7", "100", 7, 100)]
    [InlineData(" 3 ", "+5", 3, 5)]
    [InlineData("1000000", "100", 1_000_000, 100)]
    public void Valid_values_and_defaults(string? page, string? perPage, int expectedPage, int expectedPerPage)
    {
        var (paging, error) = Paging.Parse(page, perPage);

        Assert.Null(error);
        Assert.Equal(new Paging(expectedPage, expectedPerPage), paging);
    }

    [Theory]
    [InlineData("0", null, "page")]
    [InlineData("-1", null, "page")]
    [InlineData("abc", null, "page")]
    [InlineData(null, "0", "per_page")]
    [InlineData(null, "101", "per_page")]
    [InlineData(null, "-5", "per_page")]
    [InlineData(null, "1.5", "per_page")]
    [InlineData("21474838", "100", "page")]
    [InlineData("1000001", null, "page")]
    [InlineData("2147483647", null, "page")]
    [InlineData("2147483648", null, "page")]
    [InlineData("-2147483648", null, "page")]
    [InlineData("99999999999999999999999", null, "page")]
    [InlineData("1e3", null, "page")]
    [InlineData("0x10", null, "page")]
    [InlineData("1,2", null, "page")]
    [InlineData(null, "2147483647", "per_page")]
    [InlineData(null, "-2147483649", "per_page")]
    public void Out_of_range_or_non_integer_is_a_validation_error(string? page, string? perPage, string field)
    {
        var (_, error) = Paging.Parse(page, perPage);

        Assert.NotNull(error);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("validation_error", error.Value.Error);
        var details = Assert.IsAssignableFrom<IDictionary<string, List<string>>>(error.Value.Details);
        Assert.True(details.ContainsKey(field));
    }

    [Theory]
    [InlineData(0, 20, 0)]
    [InlineData(1, 20, 1)]
    [InlineData(20, 20, 1)]
    [InlineData(21, 20, 2)]
    [InlineData(101, 10, 11)]
    public void Pages_is_total_over_per_page_rounded_up(long total, int perPage, int pages)
    {
        Assert.Equal(pages, new Paging(1, perPage).Describe(total).Pages);
    }

    [Fact]
    public void Skip_follows_page_and_per_page()
    {
        Assert.Equal(0, new Paging(1, 20).Skip);
        Assert.Equal(30, new Paging(4, 10).Skip);
    }

    [Fact]
    public void Every_accepted_value_gives_a_non_negative_skip_without_overflow()
    {
        var random = new Random(16);
        var candidates = new List<string> { "1", "100", Paging.MaxPage.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        for (var i = 0; i < 5000; i++)
        {
            candidates.Add((random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(0, 63)).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var page in candidates)
        {
            foreach (var perPage in new[] { "1", "37", "100", page })
            {
                var (paging, error) = Paging.Parse(page, perPage);
                if (error is null)
                {
                    Assert.InRange(paging.Skip, 0, (Paging.MaxPage - 1) * Paging.MaxPerPage);
                }
                else
                {
                    Assert.Equal(400, error.StatusCode);
                }
            }
        }
    }

    [Theory]
    [InlineData("50%", "50\\%")]
    [InlineData("a_b", "a\\_b")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("plain", "plain")]
    public void Filename_filter_wildcards_are_literal(string input, string escaped)
    {
        Assert.Equal(escaped, ListDocuments.EscapeLike(input));
    }
}
