namespace Gateway;

/// <summary>
/// The gateway refuses bodies over the upload limit itself (413 in the envelope), with the same setting
/// Documents.Api uses (<c>Uploads:MaxFileSizeBytes</c>), plus room for the multipart framing.
/// </summary>
internal static class UploadLimits
{
    public const long DefaultMaxFileSizeBytes = 100L * 1024 * 1024;
    private const long MultipartOverheadBytes = 64 * 1024;

    public static WebApplicationBuilder AddUploadLimits(this WebApplicationBuilder builder)
    {
        var maxFile = builder.Configuration.GetValue("Uploads:MaxFileSizeBytes", DefaultMaxFileSizeBytes);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = maxFile + MultipartOverheadBytes);
        return builder;
    }
}
