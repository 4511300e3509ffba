using Documents.Api.Features.Documents;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.TenantSchema;

namespace SaasPlatform.UnitTests.Documents.Api;

/// <summary>
/// The SQL the list's filters become (EF Core's translation, no database needed): the shapes the indexes of
/// docs/decisions/document-search.md are built for. The results themselves are checked end to end
/// (<c>DocumentSearchTests</c>).
/// </summary>
public sealed class DocumentListQuerySqlTests
{
    private static string Sql(string? filename = null, string? minSize = null, string? maxSize = null, string? sort = null, long total = 100)
    {
        var (query, error) = DocumentListQuery.Parse(filename, null, minSize, maxSize, null, null, null, sort, null);
        Assert.Null(error);
        using var db = new TenantDbContext(new DbContextOptionsBuilder<TenantDbContext>()
            .UseNpgsql("Host=localhost;Database=tenant_sql_shape").Options);
        return query!.Order(query.Filter(db.Documents), total).Skip(20).Take(20).ToQueryString();
    }

    [Fact]
    public void Filename_contains_is_like_on_the_lowered_column_against_the_pattern_lowered_by_postgresql()
    {
        var sql = Sql(filename: "Report");

        // lower() of the parameter, not of a value lowered in .NET: PostgreSQL lowers both sides the same way, as
        // ILIKE would. The parameter holds the escaped pattern as given.
        Assert.Contains("d.filename_lower LIKE lower(@pattern)", sql, StringComparison.Ordinal);
        Assert.Contains("'%Report%'", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("ILIKE", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Size_filters_and_order_need_no_join()
    {
        var sql = Sql(minSize: "10", maxSize: "20", sort: "size");

        Assert.DoesNotContain("JOIN", sql, StringComparison.Ordinal);
        Assert.Contains("d.file_size >= @min", sql, StringComparison.Ordinal);
        Assert.Contains("ORDER BY d.file_size DESC", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_order_with_a_filename_filter_sorts_the_matches_found_in_a_subquery_kept_apart_by_its_offset()
    {
        var fenced = Sql(filename: "summary", sort: "name", total: DocumentListQuery.SortMatchesUpTo);
        Assert.Matches(@"FROM \(\s*SELECT .*\s+FROM documents AS d\s+WHERE d\.filename_lower LIKE lower\(@pattern\) ESCAPE '\\'\s+OFFSET @\w+\s*\) AS d0\s+ORDER BY d0\.filename, d0\.id\s+LIMIT", fenced);

        // Other orders, other filters, or more matches than are cheap to sort: one plain query, the planner's choice.
        Assert.DoesNotContain("FROM (", Sql(filename: "summary", sort: "name", total: DocumentListQuery.SortMatchesUpTo + 1), StringComparison.Ordinal);
        Assert.DoesNotContain("FROM (", Sql(filename: "summary", sort: "date"), StringComparison.Ordinal);
        Assert.DoesNotContain("FROM (", Sql(minSize: "1", sort: "name"), StringComparison.Ordinal);
    }
}
