namespace Documents.Api.Uploads;

/// <summary><c>Uploads</c> section; the gateway reads the same <c>MaxFileSizeBytes</c>.</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Uploads";
    public const long DefaultMaxFileSizeBytes = 100L * 1024 * 1024;

    /// <summary>Room for the multipart framing and the small form fields around the file.</summary>
    public const long MultipartOverheadBytes = 64 * 1024;

    public long MaxFileSizeBytes { get; set; } = DefaultMaxFileSizeBytes;
}
