namespace SaasPlatform.Messaging.Handling;

/// <summary>
/// Handles platform events of some topics in Events.Worker. A new DI scope per event; delivery is at least once,
/// so handling must be idempotent in effect (the worker's inbox skips an event a handler already completed, but a
/// crash between the effect and the inbox row repeats it). Throwing means "retry": after the retries the event goes
/// to <c>&lt;topic&gt;.dlt</c>. Throw <see cref="PoisonEventException"/> to skip the retries.
/// </summary>
public interface IEventHandler
{
    /// <summary>The topics this handler wants (see <see cref="Topics"/>).</summary>
    IReadOnlyCollection<string> Topics { get; }

    Task HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken);
}

/// <summary>The event can never be handled (bad data): dead-letter it without retrying.</summary>
public sealed class PoisonEventException(string message, Exception? inner = null) : Exception(message, inner);
