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
    private static string Sql(string? filename = null, string? minSize = null, string? maxSize = null, string? sort = null)
    {
        var (query, error) = DocumentListQuery.Parse(filename, null, minSize, maxSize, null, null, null, sort, null);
        Assert.Null(error);
        using var db = new TenantDbContext(new DbContextOptionsBuilder<TenantDbContext>()
            .UseNpgsql("Host=localhost;Database=tenant_sql_shape").Options);
        return query!.Order(query.Filter(db.Documents)).ToQueryString();
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
}
