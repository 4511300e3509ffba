using System.Text;
using Documents.Api.Uploads;
using Microsoft.AspNetCore.Http;
using SaasPlatform.ServiceDefaults.Http;

namespace SaasPlatform.UnitTests.Documents.Api;

public sealed class UploadFormTests
{
    private const string Boundary = "----test-boundary";

    [Fact]
    public async Task File_and_fields_are_read_in_one_pass_whatever_their_order()
    {
        var request = Multipart(
            Field("mime_type", "text/csv; charset=utf-8"),
            FilePart("file", @"C:\tmp\data.csv", "text/plain", "a,b\n1,2\n"),
            Field("filename", "renamed.csv"));

        var form = await UploadForm<Captured>.ReadAsync(request, Captured.ReadAsync, CancellationToken.None);

        Assert.Equal("a,b\n1,2\n", form.File!.Text);
        Assert.Equal("data.csv", form.UploadFileName);
        Assert.Equal("text/plain", form.PartContentType);
        Assert.Equal("renamed.csv", form.FilenameField);
        Assert.Equal("text/csv; charset=utf-8", form.MimeTypeField);
    }

    [Fact]
    public async Task A_file_part_without_a_name_or_under_another_field_is_no_file()
    {
        var request = Multipart(FilePart("file", "", "text/plain", "x"), FilePart("other", "a.txt", "text/plain", "y"));

        var form = await UploadForm<Captured>.ReadAsync(request, Captured.ReadAsync, CancellationToken.None);

        Assert.Null(form.File);
    }

    [Fact]
    public async Task Only_the_first_file_part_is_taken()
    {
        var request = Multipart(FilePart("file", "one.txt", "text/plain", "1"), FilePart("file", "two.txt", "text/plain", "2"));

        var form = await UploadForm<Captured>.ReadAsync(request, Captured.ReadAsync, CancellationToken.None);

        Assert.Equal("1", form.File!.Text);
        Assert.Equal("one.txt", form.UploadFileName);
    }

    [Fact]
    public async Task Not_multipart_is_415()
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = "application/json";
        context.Request.Body = new MemoryStream("{}"u8.ToArray());

        var error = await Assert.ThrowsAsync<ApiException>(() =>
            UploadForm<Captured>.ReadAsync(context.Request, Captured.ReadAsync, CancellationToken.None));

        Assert.Equal(415, error.Error.StatusCode);
    }

    [Fact]
    public async Task A_truncated_body_is_400_and_releases_the_file()
    {
        var full = Encoding.UTF8.GetBytes(Body(FilePart("file", "a.txt", "text/plain", "hello"), Field("filename", "x")));
        var context = new DefaultHttpContext();
        context.Request.ContentType = $"multipart/form-data; boundary={Boundary}";
        context.Request.Body = new MemoryStream(full, 0, full.Length - 20);
        Captured? captured = null;

        var error = await Assert.ThrowsAsync<ApiException>(() => UploadForm<Captured>.ReadAsync(context.Request,
            async (stream, ct) => captured = await Captured.ReadAsync(stream, ct), CancellationToken.None));

        Assert.Equal(400, error.Error.StatusCode);
        Assert.True(captured!.Disposed);
    }

    private static HttpRequest Multipart(params string[] parts)
    {
        var context = new DefaultHttpContext();
        context.Request.ContentType = $"multipart/form-data; boundary=\"{Boundary}\"";
        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(Body(parts)));
        return context.Request;
    }

    private static string Body(params string[] parts) => string.Concat(parts) + $"--{Boundary}--\r\n";

    private static string Field(string name, string value) =>
        $"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n";

    private static string FilePart(string name, string filename, string contentType, string content) =>
        $"--{Boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {contentType}\r\n\r\n{content}\r\n";

    private sealed class Captured : IAsyncDisposable
    {
        public string Text { get; private init; } = "";

        public bool Disposed { get; private set; }

        public static async Task<Captured> ReadAsync(Stream stream, CancellationToken cancellationToken)
        {
            using var reader = new StreamReader(stream);
            return new Captured { Text = await reader.ReadToEndAsync(cancellationToken) };
        }

        public ValueTask DisposeAsync()
        {
            Disposed = true;
            return ValueTask.CompletedTask;
        }
    }
}
