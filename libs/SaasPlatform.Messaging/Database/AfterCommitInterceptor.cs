using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace SaasPlatform.Messaging.Database;

/// <summary>
/// Work that must wait until a context's changes are committed: noted while <c>SaveChanges</c> runs, done after it
/// when it ran its own transaction, or after the caller's explicit transaction commits; dropped when either fails.
/// </summary>
public abstract class AfterCommitInterceptor<TPending> : SaveChangesInterceptor, IDbTransactionInterceptor
    where TPending : class
{
    // Contexts (pooled ones are reused) with work whose changes are not yet known to be committed.
    private readonly ConditionalWeakTable<DbContext, TPending> _pending = [];

    /// <summary>Notes what the changes being saved call for, added to what is already <paramref name="pending"/>; null: nothing.</summary>
    protected abstract TPending? Note(DbContext context, TPending? pending);

    /// <summary>Does the noted work: <paramref name="context"/>'s changes are committed.</summary>
    protected abstract void Committed(DbContext context, TPending pending);

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Note(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData,
        InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Note(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        CommitIfOwnTransaction(eventData.Context);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result,
        CancellationToken cancellationToken = default)
    {
        CommitIfOwnTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Forget(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Commit(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Commit(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Forget(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Forget(eventData.Context);
        return Task.CompletedTask;
    }

    private void Note(DbContext? context)
    {
        if (context is null)
        {
            return;
        }

        _pending.TryGetValue(context, out var pending);
        if (Note(context, pending) is { } noted && !ReferenceEquals(noted, pending))
        {
            _pending.AddOrUpdate(context, noted);
        }
    }

    private void CommitIfOwnTransaction(DbContext? context)
    {
        // Inside the caller's transaction nothing is visible yet: wait for TransactionCommitted.
        if (context?.Database.CurrentTransaction is null)
        {
            Commit(context);
        }
    }

    private void Commit(DbContext? context)
    {
        if (context is not null && _pending.TryGetValue(context, out var pending))
        {
            _pending.Remove(context);
            Committed(context, pending);
        }
    }

    private void Forget(DbContext? context)
    {
        if (context is not null)
        {
            _pending.Remove(context);
        }
    }
}
