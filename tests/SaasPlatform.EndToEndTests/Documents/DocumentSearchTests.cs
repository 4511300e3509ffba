using System.Net;
using SaasPlatform.EndToEndTests.Identity;
using SaasPlatform.EndToEndTests.Tenancy;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>
/// The filtered, sorted document list through the gateway (docs/decisions/document-search.md): every filter and sort
/// on five documents whose names, types, sizes, upload dates and uploaders are known, stable paging on equal keys,
/// and a 400 naming the parameter for every bad value.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class DocumentSearchTests(PlatformFixture platform)
{
    /// <summary>Five documents; names start with distinct letters so the name order is the same under any collation.</summary>
    private sealed record Catalogue(DocumentWorld World, Guid Report, Guid Notes, Guid Final, Guid Done, Guid Photo)
    {
        public string Query(string query) => $"{World.Documents}?{query}";
    }

    private async Task<Catalogue> CatalogueAsync(HttpClient gateway)
    {
        var world = await NewWorldAsync(gateway);
        var admin = world.Admin.AccessToken;
        var user = world.User.AccessToken;
        async Task<Guid> Upload(string token, string name, string type, int size, int day)
        {
            var id = (await UploadOkAsync(gateway, token, world.TenantId, UniqueBytes(size), name, type)).GetProperty("id").GetGuid();
            // Upload times set in the past, a day apart, so the date filters have exact answers.
            await TenancyApi.ExecuteAsync(platform, world.DatabaseName,
                $"UPDATE documents SET created_at = '2026-01-0{day}T12:00:00Z' WHERE id = '{id}'");
            return id;
        }

        return new Catalogue(world,
            Report: await Upload(admin, "report-q1.pdf", "application/pdf", 100, 1),
            Notes: await Upload(admin, "notes.txt", "text/plain", 300, 2),
            Final: await Upload(user, "final-report.png", "image/png", 200, 3),
            Done: await Upload(user, "done 100%_x.txt", "text/plain", 50, 4),
            Photo: await Upload(admin, "photo.jpeg", "image/jpeg", 400, 5));
    }

    private static async Task<(List<Guid> Ids, long Total)> ListAsync(HttpClient gateway, Catalogue catalogue, string query)
    {
        var data = await GetDataAsync(gateway, catalogue.Query(query), catalogue.World.Viewer.AccessToken);
        return (data.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("id").GetGuid()).ToList(),
            data.GetProperty("pagination").GetProperty("total").GetInt64());
    }

    private static async Task AssertListAsync(HttpClient gateway, Catalogue catalogue, string query, params Guid[] expected)
    {
        var (ids, total) = await ListAsync(gateway, catalogue, query);
        Assert.True(expected.SequenceEqual(ids), $"?{query}: expected {string.Join(",", expected)} got {string.Join(",", ids)}");
        Assert.Equal(expected.Length, total);
    }

    [Fact]
    public async Task Filename_contains_is_case_insensitive_and_treats_wildcards_literally()
    {
        using var gateway = platform.CreateGatewayClient();
        var c = await CatalogueAsync(gateway);

        await AssertListAsync(gateway, c, "filename=REPORT", c.Final, c.Report);
        await AssertListAsync(gateway, c, "filename=Port-q", c.Report);
        await AssertListAsync(gateway, c, "filename=100%25", c.Done);
        await AssertListAsync(gateway, c, "filename=%25", c.Done);
        await AssertListAsync(gateway, c, "filename=_", c.Done);
        await AssertListAsync(gateway, c, "filename=nothing-like-this");
    }

    [Fact]
    public async Task Mime_type_matches_exactly_or_by_family_in_any_case()
    {
        using var gateway = platform.CreateGatewayClient();
        var c = await CatalogueAsync(gateway);

        await AssertListAsync(gateway, c, "mime_type=text/plain", c.Done, c.Notes);
        await AssertListAsync(gateway, c, "mime_type=Application/PDF", c.Report);
        await AssertListAsync(gateway, c, "mime_type=image/*", c.Photo, c.Final);
        await AssertListAsync(gateway, c, "mime_type=video/*");
    }

    [Fact]
    public async Task Size_range_is_inclusive_at_both_ends()
    {
        using var gateway = platform.CreateGatewayClient();
        var c = await CatalogueAsync(gateway);

        await AssertListAsync(gateway, c, "min_size=100&max_size=300", c.Final, c.Notes, c.Report);
        await AssertListAsync(gateway, c, "min_size=301", c.Photo);
        await AssertListAsync(gateway, c, "max_size=50", c.Done);
        await AssertListAsync(gateway, c, "min_size=0&max_size=49");
    }

    [Fact]
    public async Task Upload_dates_are_a_half_open_iso_range_with_offsets()
    {
        using var gateway = platform.CreateGatewayClient();
        var c = await CatalogueAsync(gateway);

        await AssertListAsync(gateway, c, "uploaded_after=2026-01-02&uploaded_before=2026-01-04", c.Final, c.Notes);
        // 12:00Z is the upload time: included as "after", excluded as "before".
        await AssertListAsync(gateway, c, "uploaded_after=2026-01-04T12:00:00Z", c.Photo, c.Done);
        await AssertListAsync(gateway, c, "uploaded_before=2026-01-02T12:00:00.000Z", c.Report);
        // 13:30+02:00 is 11:30Z: the document of that day (12:00Z) is after it. The '+' sent unencoded arrives as a space.
        await AssertListAsync(gateway, c, "uploaded_after=2026-01-05T13:30:00%2B02:00", c.Photo);
        await AssertListAsync(gateway, c, "uploaded_after=2026-01-05T13:30:00+02:00", c.Photo);
        await AssertListAsync(gateway, c, "uploaded_after=2026-01-05T13:30:00-02:00");
    }

    [Fact]
    public async Task Uploaded_by_keeps_one_uploaders_documents_and_filters_combine()
    {
        using var gateway = platform.CreateGatewayClient();
        var c = await CatalogueAsync(gateway);

        await AssertListAsync(gateway, c, $"uploaded_by={c.World.User.UserId}", c.Done, c.Final);
        await AssertListAsync(gateway, c, $"uploaded_by={c.World.Admin.UserId}&mime_type=image/*", c.Photo);
        await AssertListAsync(gateway, c, $"uploaded_by={c.World.Viewer.UserId}");
        await AssertListAsync(gateway, c, "filename=report&mime_type=image/png&min_size=200&uploaded_after=2026-01-03", c.Final);
    }

    [Fact]
    public async Task Sorts_by_name_date_and_size_in_either_order_with_paging_as_before()
    {
        using var gateway = platform.CreateGatewayClient();
        var c = await CatalogueAsync(gateway);

        await AssertListAsync(gateway, c, "", c.Photo, c.Done, c.Final, c.Notes, c.Report);
        await AssertListAsync(gateway, c, "sort=date&order=asc", c.Report, c.Notes, c.Final, c.Done, c.Photo);
        await AssertListAsync(gateway, c, "sort=name", c.Done, c.Final, c.Notes, c.Photo, c.Report);
        await AssertListAsync(gateway, c, "sort=name&order=desc", c.Report, c.Photo, c.Notes, c.Final, c.Done);
        await AssertListAsync(gateway, c, "sort=size", c.Photo, c.Notes, c.Final, c.Report, c.Done);
        await AssertListAsync(gateway, c, "sort=SIZE&order=ASC", c.Done, c.Report, c.Final, c.Notes, c.Photo);

        // Paging is unchanged: the envelope, the pagination block, a filtered total.
        using var response = await SendAsync(gateway, HttpMethod.Get, c.Query("mime_type=text/plain&sort=size&order=asc&page=2&per_page=1"), c.World.Viewer.AccessToken);
        var body = await response.JsonAsync();
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("Documents retrieved successfully", body.GetProperty("message").GetString());
        var data = body.GetProperty("data");
        Assert.Equal(c.Notes, Assert.Single(data.GetProperty("documents").EnumerateArray()).GetProperty("id").GetGuid());
        var pagination = data.GetProperty("pagination");
        Assert.Equal((2, 1, 2L, 2), (pagination.GetProperty("page").GetInt32(), pagination.GetProperty("per_page").GetInt32(),
            pagination.GetProperty("total").GetInt64(), pagination.GetProperty("pages").GetInt32()));
    }

    [Fact]
    public async Task Equal_sort_keys_are_ordered_by_id_so_pages_neither_overlap_nor_skip()
    {
        using var gateway = platform.CreateGatewayClient();
        var c = await CatalogueAsync(gateway);
        await TenancyApi.ExecuteAsync(platform, c.World.DatabaseName, "UPDATE documents SET created_at = '2026-02-01T00:00:00Z'");
        var all = new[] { c.Report, c.Notes, c.Final, c.Done, c.Photo };

        foreach (var (order, expected) in new[] { ("desc", all.OrderByDescending(Postgres, StringComparer.Ordinal).ToList()), ("asc", all.OrderBy(Postgres, StringComparer.Ordinal).ToList()) })
        {
            var paged = new List<Guid>();
            for (var page = 1; page <= 3; page++)
            {
                paged.AddRange((await ListAsync(gateway, c, $"sort=date&order={order}&per_page=2&page={page}")).Ids);
            }

            Assert.Equal(expected, paged);
        }
    }

    /// <summary>PostgreSQL orders uuids by their bytes as written, which is the order of their text form.</summary>
    private static string Postgres(Guid id) => id.ToString("N");

    [Theory]
    [InlineData("mime_type=not-a-type", "mime_type")]
    [InlineData("mime_type=*/*", "mime_type")]
    [InlineData("min_size=-1", "min_size")]
    [InlineData("min_size=abc", "min_size")]
    [InlineData("max_size=1.5", "max_size")]
    [InlineData("max_size=99999999999999999999", "max_size")]
    [InlineData("min_size=10&max_size=5", "min_size")]
    [InlineData("uploaded_after=yesterday", "uploaded_after")]
    [InlineData("uploaded_after=01/02/2026", "uploaded_after")]
    [InlineData("uploaded_before=2026-13-01", "uploaded_before")]
    [InlineData("uploaded_before=2026-01-01T25:00:00Z", "uploaded_before")]
    [InlineData("uploaded_after=2026-01-05&uploaded_before=2026-01-01", "uploaded_after")]
    [InlineData("uploaded_by=bob", "uploaded_by")]
    [InlineData("sort=owner", "sort")]
    [InlineData("order=up", "order")]
    [InlineData("sort=name&order=sideways&per_page=5", "order")]
    public async Task A_bad_value_is_a_400_naming_the_parameter(string query, string parameter)
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        using var response = await SendAsync(gateway, HttpMethod.Get, $"{world.Documents}?{query}", world.Viewer.AccessToken);
        var body = await AuthApi.AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("details").TryGetProperty(parameter, out var messages), $"?{query}: {body}");
        Assert.Contains(parameter, messages[0].GetString()!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_filename_longer_than_any_name_is_a_400()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        using var response = await SendAsync(gateway, HttpMethod.Get, $"{world.Documents}?filename={new string('a', 256)}", world.Viewer.AccessToken);
        var body = await AuthApi.AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("details").TryGetProperty("filename", out _), body.ToString());
    }
}
