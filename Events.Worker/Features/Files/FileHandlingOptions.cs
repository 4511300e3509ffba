namespace Events.Worker.Features.Files;

/// <summary>Section <c>Files</c>.</summary>
public sealed class FileHandlingOptions
{
    public const string SectionName = "Files";

    /// <summary>How long an orphaned file is kept, in case a document comes back (D10).</summary>
    public TimeSpan OrphanGracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often every tenant database is swept for orphans past their grace period (what a lost event or a restart
    /// left behind) and for stale staged uploads. Never longer than the grace period.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>A staged upload older than this was abandoned (the service died mid-upload) and is deleted.</summary>
    public TimeSpan StagingRetention { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan EffectiveSweepInterval =>
        TimeSpan.FromTicks(Math.Clamp(Math.Min(SweepInterval.Ticks, OrphanGracePeriod.Ticks), TimeSpan.TicksPerSecond, TimeSpan.TicksPerHour));
}
