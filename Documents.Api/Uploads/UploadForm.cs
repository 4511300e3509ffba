using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Documents.Api.Uploads;

/// <summary>
/// The upload form (<c>multipart/form-data</c>: <c>file</c>, optional <c>filename</c> and <c>mime_type</c>), read as a
/// stream in one pass: the file part is handed to <c>readFile</c> the moment it arrives (never
/// buffered by the framework), the small text fields are collected whether they come before or after it.
/// </summary>
public sealed class UploadForm<TFile> where TFile : class, IAsyncDisposable
{
    private const int MaxFieldBytes = 4 * 1024;

    public TFile? File { get; private set; }

    /// <summary>The name the file part carried (last path segment).</summary>
    public string? UploadFileName { get; private set; }

    /// <summary>The file part's own Content-Type header.</summary>
    public string? PartContentType { get; private set; }

    public string? FilenameField { get; private set; }

    public string? MimeTypeField { get; private set; }

    public static async Task<UploadForm<TFile>> ReadAsync(HttpRequest request, Func<Stream, CancellationToken, Task<TFile>> readFile,
        CancellationToken cancellationToken)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(new ApiError(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                "Content-Type must be multipart/form-data"));
        }

        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrWhiteSpace(boundary) || boundary.Length > 200)
        {
            throw new ApiException(ApiError.BadRequest("The multipart boundary is missing or invalid"));
        }

        var form = new UploadForm<TFile>();
        try
        {
            var reader = new MultipartReader(boundary, request.Body);
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    await section.Body.DrainAsync(cancellationToken);
                    continue;
                }

                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value;
                if (disposition.IsFileDisposition())
                {
                    var uploadName = StringSegment.IsNullOrEmpty(disposition.FileNameStar)
                        ? HeaderUtilities.RemoveQuotes(disposition.FileName).Value
                        : disposition.FileNameStar.Value;
                    // A file part with an empty name is what browsers send for "no file chosen".
                    if (name == "file" && form.File is null && !string.IsNullOrEmpty(uploadName))
                    {
                        form.UploadFileName = FileNames.FromUpload(uploadName);
                        form.PartContentType = section.ContentType;
                        form.File = await readFile(section.Body, cancellationToken);
                    }
                    else
                    {
                        await section.Body.DrainAsync(cancellationToken);
                    }

                    continue;
                }

                switch (name)
                {
                    case "filename":
                        form.FilenameField = await ReadFieldAsync(section, name, cancellationToken);
                        break;
                    case "mime_type":
                        form.MimeTypeField = await ReadFieldAsync(section, name, cancellationToken);
                        break;
                    default:
                        await section.Body.DrainAsync(cancellationToken);
                        break;
                }
            }

            return form;
        }
        catch (Exception e)
        {
            if (form.File is not null)
            {
                await form.File.DisposeAsync();
            }

            if (e is IOException or InvalidDataException)
            {
                throw new ApiException(ApiError.BadRequest("The multipart body is malformed"));
            }

            throw;
        }
    }

    private static async Task<string> ReadFieldAsync(MultipartSection section, string name, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxFieldBytes + 1];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await section.Body.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        if (filled > MaxFieldBytes)
        {
            throw new ApiException(ApiError.Validation(name, $"{name} is too long"));
        }

        return Encoding.UTF8.GetString(buffer, 0, filled);
    }
}
