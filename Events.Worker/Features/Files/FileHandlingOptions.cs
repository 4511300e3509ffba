namespace Events.Worker.Features.Files;

/// <summary>Section <c>Files</c>.</summary>
public sealed class FileHandlingOptions
{
    public const string SectionName = "Files";

    /// <summary>How long an orphaned file is kept, in case a document comes back (D10).</summary>
    public TimeSpan OrphanGracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often every tenant database is swept for orphans past their grace period and for stale staged uploads.
    /// Orphans announced by <c>document.deleted</c> are collected when their grace period ends; the sweep only
    /// catches what a lost event or a restart left, which then outlives its grace period by at most this interval.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A staged upload older than this was abandoned (the service died mid-upload) and is deleted.</summary>
    public TimeSpan StagingRetention { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan EffectiveSweepInterval =>
        TimeSpan.FromTicks(Math.Clamp(SweepInterval.Ticks, TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour));
}
