using Documents.Api.Uploads;

namespace SaasPlatform.UnitTests.Documents;

public sealed class FileNamesTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("  spaced name.txt  ", "spaced name.txt")]
    [InlineData("Résumé.pdf", "Résumé.pdf")]
    public void Valid_names_are_trimmed(string input, string expected)
    {
        Assert.Equal((expected, null), FileNames.Validate(input));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("a/b.txt")]
    [InlineData("a\\b.txt")]
    [InlineData("line\nbreak.txt")]
    [InlineData(null)]
    public void Blank_names_separators_and_control_characters_are_refused(string? input)
    {
        var (value, error) = FileNames.Validate(input);

        Assert.Null(value);
        Assert.NotNull(error);
    }

    [Fact]
    public void Length_limit_is_255()
    {
        Assert.NotNull(FileNames.Validate(new string('a', 255)).Value);
        Assert.Null(FileNames.Validate(new string('a', 256)).Value);
    }

    [Theory]
    [InlineData(@"C:\Users\me\Desktop\report.pdf", "report.pdf")]
    [InlineData("/home/me/report.pdf", "report.pdf")]
    [InlineData("plain.txt", "plain.txt")]
    [InlineData("bad\r\nname.txt", "badname.txt")]
    public void Upload_names_keep_only_the_last_path_segment(string input, string expected)
    {
        Assert.Equal(expected, FileNames.FromUpload(input));
    }
}
