namespace Events.Worker.Features.TenantArchives;

/// <summary>Tenant export and import settings (section <c>TenantArchives</c>).</summary>
public sealed class TenantArchiveOptions
{
    public const string SectionName = "TenantArchives";

    /// <summary>How long the presigned link of a ready export (in the e-mail and the status answer) stays valid.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The largest archive an import accepts (uploaded, or read from an export). Uploads through the gateway are also
    /// bounded by its body limit (<c>Uploads:MaxFileSizeBytes</c>); importing from an export id is not.
    /// </summary>
    public long MaxImportBytes { get; set; } = 10L * 1024 * 1024 * 1024;

    /// <summary>Where archives are assembled and uploads spooled (default: the system's <c>TMPDIR</c>).</summary>
    public string? TempDirectory { get; set; }

    /// <summary>
    /// A temporary file readable by this user only that leaves nothing behind, even after a crash: on Unix it is unlinked
    /// at once (the open handle keeps it), elsewhere deleted when closed.
    /// </summary>
    public FileStream CreateTempFile()
    {
        var path = Path.Combine(TempDirectory ?? Path.GetTempPath(), $"saas-archive-{Guid.NewGuid():N}.zip");
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous | (OperatingSystem.IsWindows() ? FileOptions.DeleteOnClose : FileOptions.None),
            BufferSize = 81920,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // tenant bytes: owner only
        }

        var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
        {
            File.Delete(path);
        }

        return stream;
    }
}
