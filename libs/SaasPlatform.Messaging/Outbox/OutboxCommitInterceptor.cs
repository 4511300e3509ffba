using SaasPlatform.Messaging.Database;

namespace SaasPlatform.Messaging.Outbox;

/// <summary>
/// Wakes the relay as soon as outbox rows are committed: after <c>SaveChanges</c> when it ran its own transaction,
/// or after the caller's explicit transaction commits. Add it to every DbContext that enqueues events
/// (<see cref="OutboxRelayExtensions.AddOutboxRelay{TDbContext}"/> does it for a service's own database).
/// </summary>
public sealed class OutboxCommitInterceptor(OutboxSignal signal) : AfterCommitInterceptor<object>
{
    private static readonly object Pending = new();

    protected override object? Note(DbContext context, object? pending) =>
        context.ChangeTracker.Entries<OutboxMessage>().Any(e => e.State == EntityState.Added) ? Pending : pending;

    protected override void Committed(DbContext context, object pending) => signal.Notify(context.Database.GetDbConnection().Database);
}
