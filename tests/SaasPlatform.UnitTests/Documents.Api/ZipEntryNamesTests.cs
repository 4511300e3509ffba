using Documents.Api.Features.Documents;

namespace SaasPlatform.UnitTests.Documents.Api;

public sealed class ZipEntryNamesTests
{
    [Fact]
    public void Repeats_get_a_counter_before_the_extension_regardless_of_case()
    {
        var names = new ZipEntryNames();
        Assert.Equal(
            ["a.txt", "a (2).txt", "A (3).TXT", "a (2) (2).txt", "b.tar.gz", "b.tar (2).gz", "README", "readme (2)", ".bashrc", ".bashrc (2)"],
            new[] { "a.txt", "a.txt", "A.TXT", "a (2).txt", "b.tar.gz", "b.tar.gz", "README", "readme", ".bashrc", ".bashrc" }.Select(names.Next));
    }

    [Theory]
    [InlineData("../../etc/passwd", ".._.._etc_passwd")]
    [InlineData("dir\\file.txt", "dir_file.txt")]
    [InlineData("..", "document")]
    [InlineData(".", "document")]
    [InlineData("   ", "document")]
    [InlineData("Résumé (final).pdf", "Résumé (final).pdf")]
    public void Names_cannot_leave_the_extraction_folder(string filename, string expected)
    {
        Assert.Equal(expected, ZipEntryNames.Safe(filename));
    }
}
