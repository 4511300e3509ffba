using System.IO.Compression;
using System.Text;
using Events.Worker.Features.Files;

namespace SaasPlatform.UnitTests.Events.Worker;

public sealed class ContentSnifferTests
{
    [Theory]
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D, 0x31, 0x2E, 0x37, 0x0A }, "application/pdf")]
    [InlineData(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D }, "image/png")]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46 }, "image/jpeg")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0 }, "image/gif")]
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x37, 0x61, 1, 0 }, "image/gif")]
    [InlineData(new byte[] { 0x00, 0x01, 0x02, 0xFE, 0xFF, 0x00 }, "application/octet-stream")]
    [InlineData(new byte[0], "application/octet-stream")]
    public void Magic_numbers(byte[] prefix, string expected)
    {
        Assert.Equal(expected, ContentSniffer.Detect(prefix));
    }

    [Theory]
    [InlineData("Hello, world!\nSecond line\r\n")]
    [InlineData("name,amount\nalice,3\n")]
    [InlineData("Grüße aus Köln — 東京")]
    public void Text(string content)
    {
        Assert.Equal("text/plain", ContentSniffer.Detect(Encoding.UTF8.GetBytes(content)));
    }

    [Fact]
    public void Text_cut_inside_a_multibyte_character_is_still_text()
    {
        var bytes = Encoding.UTF8.GetBytes("abc東");
        Assert.Equal("text/plain", ContentSniffer.Detect(bytes.AsSpan(0, bytes.Length - 1)));
    }

    [Fact]
    public void Invalid_utf8_is_not_text()
    {
        Assert.Equal("application/octet-stream", ContentSniffer.Detect([0x61, 0x62, 0xC3, 0x28, 0x61, 0x62, 0x63, 0x64]));
    }

    [Theory]
    [InlineData("word/document.xml", ContentSniffer.Docx)]
    [InlineData("xl/workbook.xml", ContentSniffer.Xlsx)]
    [InlineData("ppt/presentation.xml", ContentSniffer.Pptx)]
    [InlineData("notes.txt", "application/zip")]
    public void Zip_and_office_documents(string entry, string expected)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry("[Content_Types].xml").Open());
            writer.Write("<Types/>");
        }

        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Update, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry(entry).Open());
            writer.Write("<x/>");
        }

        Assert.Equal(expected, ContentSniffer.Detect(buffer.ToArray()));
    }

    [Theory]
    [InlineData("application/pdf", "application/pdf", false)]
    [InlineData("image/png", "application/pdf", true)]
    [InlineData("application/octet-stream", "application/pdf", false)]
    [InlineData("text/csv", "text/plain", false)]
    [InlineData("application/json", "text/plain", false)]
    [InlineData("application/pdf", "text/plain", true)]
    [InlineData("image/jpg", "image/jpeg", false)]
    [InlineData(ContentSniffer.Docx, "application/zip", false)]
    [InlineData("application/pdf", "application/zip", true)]
    [InlineData("application/pdf", "application/octet-stream", false)]
    public void Mismatch_only_for_real_contradictions(string declared, string detected, bool mismatch)
    {
        Assert.Equal(mismatch, ContentSniffer.IsMismatch(declared, detected));
    }
}
