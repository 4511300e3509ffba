namespace Events.Worker.Consuming;

/// <summary>
/// Scoped per event and handler: a handler may note what it found (e.g. "schema current"), which is stored in the
/// inbox row next to the outcome.
/// </summary>
public sealed class HandlingReport
{
    public string? Detail { get; set; }
}
