namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>
/// The upload limit (section <c>Uploads</c>), one setting for both places that enforce it: the gateway refuses
/// larger bodies before forwarding them, Documents.Api while reading them.
/// </summary>
public sealed class UploadOptions
{
    public const string SectionName = "Uploads";
    public const long DefaultMaxFileSizeBytes = 100L * 1024 * 1024;

    /// <summary>Room for the multipart framing and the small form fields around the file.</summary>
    public const long MultipartOverheadBytes = 64 * 1024;

    public long MaxFileSizeBytes { get; set; } = DefaultMaxFileSizeBytes;

    /// <summary>The largest request body an upload of <see cref="MaxFileSizeBytes"/> may have.</summary>
    public long MaxBodyBytes => MaxFileSizeBytes + MultipartOverheadBytes;
}
