namespace Events.Worker.Features.Files;

/// <summary>
/// <c>document.deleted</c> with <c>orphaned=true</c>: the file's grace period starts now; it is collected at its end
/// (at once if it is already over), unless a document comes back first. The periodic sweep is the safety net.
/// </summary>
internal sealed class CollectOrphanedFile(OrphanCollector collector, OrphanCollection collection, HandlingReport report)
    : IEventHandler
{
    public IReadOnlyCollection<string> Topics { get; } = [SaasPlatform.Messaging.Topics.DocumentDeleted];

    public async Task HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        var data = FileEvents.Read<DocumentDeleted>(platformEvent);
        if (!data.Orphaned)
        {
            report.Detail = "file still referenced";
            return;
        }

        var fileId = data.FileId;
        if (fileId == Guid.Empty)
        {
            throw new PoisonEventException("document.deleted without file_id");
        }

        var database = FileEvents.Database(data.DatabaseName, s3Path: null);
        var dueAt = await collector.DueAtAsync(database, fileId, cancellationToken);
        if (dueAt is null)
        {
            report.Detail = "no longer orphaned (reused or already collected)";
            return;
        }

        // The timetable collects it when due (at once if already due) and looks again if it was not quite yet.
        collection.Schedule(database, fileId, dueAt.Value);
        report.Detail = $"collection scheduled at {dueAt:O}";
    }
}
