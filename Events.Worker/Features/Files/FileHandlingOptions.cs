namespace Events.Worker.Features.Files;

/// <summary>Section <c>Files</c>.</summary>
public sealed class FileHandlingOptions
{
    public const string SectionName = "Files";

    /// <summary>How long an orphaned file is kept, in case a document comes back (D10).</summary>
    public TimeSpan OrphanGracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>A staged upload older than this was abandoned (the service died mid-upload) and is deleted.</summary>
    public TimeSpan StagingRetention { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The pause between two databases in the recovery pass at start-up (one connection each, outside the pools):
    /// 50 ms visits 1,000 tenant databases in about a minute while leaving the server to live traffic.
    /// </summary>
    public TimeSpan RecoveryPause { get; set; } = TimeSpan.FromMilliseconds(50);
}
