using Documents.Api.Uploads;
using Microsoft.Net.Http.Headers;

namespace SaasPlatform.UnitTests.Documents.Api;

public sealed class ContentDispositionHeaderTests
{
    [Fact]
    public void Plain_ascii_name_is_kept_in_both_forms()
    {
        Assert.Equal("attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf",
            ContentDispositionHeader.Attachment("report.pdf"));
    }

    [Theory]
    [InlineData("a\"b.txt")]
    [InlineData("a\r\nSet-Cookie: x=1.txt")]
    [InlineData("a\\b.txt")]
    [InlineData("\"; filename=evil.exe")]
    [InlineData("tab\there.txt")]
    public void Quotes_backslashes_and_line_breaks_cannot_escape_the_header(string name)
    {
        var header = ContentDispositionHeader.Attachment(name);

        Assert.DoesNotContain('\r', header);
        Assert.DoesNotContain('\n', header);
        Assert.DoesNotContain('\t', header);
        // Exactly the two quotes around the fallback.
        Assert.Equal(2, header.Count(c => c == '"'));
        Assert.True(ContentDispositionHeaderValue.TryParse(header, out var parsed));
        Assert.Equal("attachment", parsed!.DispositionType.Value);
        Assert.Equal(2, parsed.Parameters.Count);
    }

    [Fact]
    public void Unicode_name_round_trips_through_filename_star()
    {
        const string name = "Résumé – 履歴書 🚀.pdf";

        var header = ContentDispositionHeader.Attachment(name);

        Assert.True(header.All(c => c < 0x7F), "header must be ASCII only");
        Assert.True(ContentDispositionHeaderValue.TryParse(header, out var parsed));
        Assert.Equal(name, parsed!.FileNameStar.Value);
        Assert.Equal("R_sum_ _ ___ _.pdf", parsed.FileName.Value!.Trim('"'));
    }

    [Fact]
    public void Percent_is_encoded_and_absent_from_the_fallback()
    {
        var header = ContentDispositionHeader.Attachment("100%25.txt");

        Assert.Contains("filename=\"100_25.txt\"", header, StringComparison.Ordinal);
        Assert.Contains("filename*=UTF-8''100%2525.txt", header, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_of_only_unusable_characters_still_has_a_fallback()
    {
        Assert.Equal("download", ContentDispositionHeader.AsciiFallback("\r\n"));
    }
}
