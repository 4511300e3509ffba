using Documents.Api.Uploads;

namespace SaasPlatform.UnitTests.Documents.Api;

public sealed class FileNamesTests
{
    [Theory]
    [InlineData("report.pdf", "report.pdf")]
    [InlineData("  spaced name.txt  ", "spaced name.txt")]
    [InlineData("Résumé.pdf", "Résumé.pdf")]
    [InlineData("תקציר.pdf", "תקציר.pdf")]
    [InlineData("日本語.txt", "日本語.txt")]
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
    [InlineData("invoice\u202Efdp.exe")]
    [InlineData("\u2066isolate\u2069.txt")]
    [InlineData("zero\u200Bwidth.txt")]
    [InlineData("bom\uFEFF.txt")]
    [InlineData("soft\u00ADhyphen.txt")]
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

public sealed class InvisibleCharacterTests
{
    [Theory]
    [InlineData("Acme\u202E", true)]
    [InlineData("\u200FRTL mark", true)]
    [InlineData("tab\there", true)]
    [InlineData("Ünïcödé ß 名前 שלום", false)]
    [InlineData("emoji 😀", false)]
    public void Format_and_control_characters_are_detected(string value, bool expected)
    {
        Assert.Equal(expected, SaasPlatform.ServiceDefaults.Http.Validation.HasInvisibleCharacters(value));
    }

    [Fact]
    public void Required_text_refuses_a_bidi_override_in_a_name()
    {
        var validation = new SaasPlatform.ServiceDefaults.Http.Validation();

        Assert.Null(validation.RequiredText("first_name", "Ann\u202Eevil", 1, 100, "First name"));
        Assert.False(validation.IsValid);
    }
}
