using Documents.Api.Features.Documents;

namespace SaasPlatform.UnitTests.Documents.Api;

public sealed class DocumentListQueryTests
{
    private static (DocumentListQuery? Query, SaasPlatform.ServiceDefaults.Http.ApiError? Error) Parse(
        string? filename = null, string? mimeType = null, string? minSize = null, string? maxSize = null,
        string? uploadedAfter = null, string? uploadedBefore = null, string? uploadedBy = null, string? sort = null,
        string? order = null) =>
        DocumentListQuery.Parse(filename, mimeType, minSize, maxSize, uploadedAfter, uploadedBefore, uploadedBy, sort, order);

    [Fact]
    public void Nothing_given_is_todays_list_newest_first()
    {
        var (query, error) = Parse();
        Assert.Null(error);
        Assert.Equal(DocumentListQuery.Default, query);
    }

    [Fact]
    public void Blank_values_mean_absent()
    {
        var (query, error) = Parse("", " ", "", " ", "", "", " ", "", "");
        Assert.Null(error);
        Assert.Equal(DocumentListQuery.Default, query);
    }

    [Theory]
    [InlineData(null, null, DocumentSort.Date, true)]
    [InlineData("date", null, DocumentSort.Date, true)]
    [InlineData("name", null, DocumentSort.Name, false)]
    [InlineData("size", null, DocumentSort.Size, true)]
    [InlineData("NAME", "DESC", DocumentSort.Name, true)]
    [InlineData(" size ", "asc", DocumentSort.Size, false)]
    [InlineData(null, "asc", DocumentSort.Date, false)]
    public void Sort_and_order_with_their_defaults(string? sort, string? order, DocumentSort expectedSort, bool expectedDescending)
    {
        var (query, error) = Parse(sort: sort, order: order);
        Assert.Null(error);
        Assert.Equal((expectedSort, expectedDescending), (query!.Sort, query.Descending));
    }

    [Theory]
    [InlineData("application/pdf", "application/pdf")]
    [InlineData(" Text/Plain ", "text/plain")]
    [InlineData("text/plain; charset=utf-8", "text/plain")]
    [InlineData("image/*", "image/*")]
    [InlineData("IMAGE/*", "image/*")]
    public void Mime_types_are_normalised_as_on_upload(string value, string expected)
    {
        var (query, error) = Parse(mimeType: value);
        Assert.Null(error);
        Assert.Equal(expected, query!.MimeType);
    }

    [Theory]
    [InlineData("2026-01-31", "2026-01-31T00:00:00+00:00")]
    [InlineData("2026-01-31T10:15", "2026-01-31T10:15:00+00:00")]
    [InlineData("2026-01-31T10:15:30Z", "2026-01-31T10:15:30+00:00")]
    [InlineData("2026-01-31T10:15:30.1234567Z", "2026-01-31T10:15:30.1234567+00:00")]
    [InlineData("2026-01-31T10:15:30+02:00", "2026-01-31T08:15:30+00:00")]
    [InlineData("2026-01-31T10:15:30 02:00", "2026-01-31T08:15:30+00:00")]
    [InlineData("2026-01-31T01:00:00-02:00", "2026-01-31T03:00:00+00:00")]
    public void Timestamps_are_iso_8601_read_as_utc(string value, string expectedUtc)
    {
        var (query, error) = Parse(uploadedAfter: value);
        Assert.Null(error);
        Assert.Equal(DateTimeOffset.Parse(expectedUtc, System.Globalization.CultureInfo.InvariantCulture), query!.UploadedAfter);
        Assert.Equal(TimeSpan.Zero, query.UploadedAfter!.Value.Offset);
    }

    [Fact]
    public void Sizes_ids_and_the_filename_are_kept()
    {
        var user = Guid.NewGuid();
        var (query, error) = Parse(filename: "Report", minSize: "0", maxSize: "104857600", uploadedBy: user.ToString());
        Assert.Null(error);
        Assert.Equal(("Report", 0L, 104857600L, user), (query!.Filename, query.MinSize, query.MaxSize, query.UploadedBy));
    }

    [Theory]
    [InlineData("mime_type", "pdf")]
    [InlineData("mime_type", "*/*")]
    [InlineData("mime_type", "image/")]
    [InlineData("min_size", "-1")]
    [InlineData("min_size", "+1")]
    [InlineData("min_size", "1e3")]
    [InlineData("min_size", "1.0")]
    [InlineData("max_size", "0x10")]
    [InlineData("max_size", "9223372036854775808")]
    [InlineData("uploaded_after", "yesterday")]
    [InlineData("uploaded_after", "2026-1-5")]
    [InlineData("uploaded_after", "31/01/2026")]
    [InlineData("uploaded_after", "2026-02-30")]
    [InlineData("uploaded_after", "2026-01-31T24:00:00Z")]
    [InlineData("uploaded_after", "2026-01-31 10:00:00")]
    [InlineData("uploaded_before", "0001-01-01T00:00:00+01:00")]
    [InlineData("uploaded_before", "Sat, 31 Jan 2026 10:00:00 GMT")]
    [InlineData("uploaded_by", "bob")]
    [InlineData("uploaded_by", "1234")]
    [InlineData("sort", "owner")]
    [InlineData("sort", "created_at")]
    [InlineData("order", "up")]
    [InlineData("order", "ascending")]
    public void A_bad_value_names_its_parameter(string parameter, string value)
    {
        var (query, error) = parameter switch
        {
            "mime_type" => Parse(mimeType: value),
            "min_size" => Parse(minSize: value),
            "max_size" => Parse(maxSize: value),
            "uploaded_after" => Parse(uploadedAfter: value),
            "uploaded_before" => Parse(uploadedBefore: value),
            "uploaded_by" => Parse(uploadedBy: value),
            "sort" => Parse(sort: value),
            _ => Parse(order: value),
        };

        Assert.Null(query);
        Assert.Equal(400, error!.StatusCode);
        Assert.Equal("validation_error", error.Value.Error);
        var details = Assert.IsAssignableFrom<IDictionary<string, List<string>>>(error.Value.Details);
        Assert.Equal([parameter], details.Keys);
        Assert.Contains(parameter, details[parameter][0], StringComparison.Ordinal);
    }

    [Fact]
    public void Inverted_ranges_and_long_filenames_are_refused_and_every_problem_is_named()
    {
        var (_, error) = Parse(filename: new string('x', 256), minSize: "10", maxSize: "9",
            uploadedAfter: "2026-02-01", uploadedBefore: "2026-01-01", sort: "bogus");
        var details = Assert.IsAssignableFrom<IDictionary<string, List<string>>>(error!.Value.Details);
        Assert.Equal(["filename", "min_size", "sort", "uploaded_after"], details.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Equal_bounds_are_a_valid_range()
    {
        var (query, error) = Parse(minSize: "5", maxSize: "5", uploadedAfter: "2026-01-01", uploadedBefore: "2026-01-01");
        Assert.Null(error);
        Assert.NotNull(query);
    }
}
