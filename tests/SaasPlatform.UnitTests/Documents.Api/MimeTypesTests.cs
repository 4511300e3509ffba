using Documents.Api.Uploads;

namespace SaasPlatform.UnitTests.Documents.Api;

public sealed class MimeTypesTests
{
    [Theory]
    [InlineData("text/plain", "text/plain")]
    [InlineData("text/plain; charset=utf-8", "text/plain")]
    [InlineData("  Application/PDF  ", "application/pdf")]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData("image/svg+xml;q=0.9", "image/svg+xml")]
    [InlineData("multipart/form-data; boundary=abc", "multipart/form-data")]
    public void Parameters_are_dropped_and_the_type_lower_cased(string input, string expected)
    {
        Assert.Equal(expected, MimeTypes.Normalise(input));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("text")]
    [InlineData("text/")]
    [InlineData("/plain")]
    [InlineData("text/plain/extra")]
    [InlineData("-text/plain")]
    [InlineData("text/pl ain")]
    [InlineData("text/pl\"ain")]
    [InlineData("; charset=utf-8")]
    [InlineData(null)]
    public void Anything_not_type_slash_subtype_is_refused(string? input)
    {
        Assert.Null(MimeTypes.Normalise(input));
    }

    [Fact]
    public void More_than_100_characters_is_refused()
    {
        Assert.Null(MimeTypes.Normalise("application/" + new string('a', 90)));
        Assert.NotNull(MimeTypes.Normalise("application/" + new string('a', 88)));
    }

    [Theory]
    [InlineData("text/html", "application/octet-stream")]
    [InlineData("TEXT/HTML; charset=utf-8", "application/octet-stream")]
    [InlineData("image/svg+xml", "application/octet-stream")]
    [InlineData("application/xhtml+xml", "application/octet-stream")]
    [InlineData("application/atom+xml", "application/octet-stream")]
    [InlineData("text/xml", "application/octet-stream")]
    [InlineData("application/xml", "application/octet-stream")]
    [InlineData("text/javascript", "application/octet-stream")]
    [InlineData("application/javascript", "application/octet-stream")]
    [InlineData("application/pdf", "application/pdf")]
    [InlineData("image/png", "image/png")]
    [InlineData("text/plain", "text/plain")]
    public void Active_types_are_served_as_octet_stream(string stored, string served)
    {
        Assert.Equal(served, MimeTypes.ServedAs(stored));
    }
}
