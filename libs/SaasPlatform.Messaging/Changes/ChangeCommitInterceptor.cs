using Microsoft.EntityFrameworkCore.ChangeTracking;
using SaasPlatform.Messaging.Database;

namespace SaasPlatform.Messaging.Changes;

/// <summary>
/// Hands this process's own committed changes to its <see cref="ChangeFeed"/> at once (after <c>SaveChanges</c>
/// when it ran its own transaction, or after the caller's transaction commits), so a client that writes and then
/// reads through the same replica never sees the old value while the database's notification is on its way.
/// Other replicas rely on the notification. Writes that bypass the change tracker (ExecuteUpdate, raw SQL) are
/// covered by the notification alone.
/// </summary>
public sealed class ChangeCommitInterceptor(ChangeFeed feed, Func<EntityEntry, string?> payloadOf) : AfterCommitInterceptor<List<string>>
{
    protected override List<string>? Note(DbContext context, List<string>? pending)
    {
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is EntityState.Added or EntityState.Modified or EntityState.Deleted && payloadOf(entry) is { } payload)
            {
                pending ??= [];
                pending.Add(payload);
            }
        }

        return pending;
    }

    protected override void Committed(DbContext context, List<string> pending)
    {
        foreach (var payload in pending.Distinct(StringComparer.Ordinal))
        {
            feed.Publish(payload);
        }
    }
}
