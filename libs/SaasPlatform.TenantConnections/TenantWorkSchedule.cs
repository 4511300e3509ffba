namespace SaasPlatform.TenantConnections;

/// <summary>
/// Which tenant databases a background job must visit, and when: work is recorded where it is created (a commit, an
/// event, a visit that found something not yet due), so a periodic job costs what happened, not how many tenants
/// exist (docs/decisions/background-work-follows-activity.md). In memory: what a restart loses, the job's paced
/// recovery pass at start-up finds again.
/// </summary>
public sealed class TenantWorkSchedule(TimeProvider time)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DateTimeOffset> _due = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Databases waiting for a visit.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _due.Count;
            }
        }
    }

    /// <summary>Asks for a visit of <paramref name="database"/> at <paramref name="at"/> (or earlier, if one is already asked for).</summary>
    public void Request(string database, DateTimeOffset at)
    {
        lock (_lock)
        {
            if (_due.TryGetValue(database, out var current) && current <= at)
            {
                return;
            }

            _due[database] = at;
            _changed.TrySetResult();
        }
    }

    /// <summary>Asks for a visit now.</summary>
    public void RequestNow(string database) => Request(database, time.GetUtcNow());

    /// <summary>Removes and returns every database due by now, earliest first.</summary>
    public List<string> TakeDue()
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            var due = _due.Where(d => d.Value <= now).OrderBy(d => d.Value).Select(d => d.Key).ToList();
            foreach (var database in due)
            {
                _due.Remove(database);
            }

            return due;
        }
    }

    /// <summary>Waits until a visit is due (or a new request may have made one due sooner).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        Task changed;
        TimeSpan delay;
        lock (_lock)
        {
            if (_changed.Task.IsCompleted)
            {
                _changed = NewSignal();
            }

            changed = _changed.Task;
            delay = _due.Count == 0 ? Timeout.InfiniteTimeSpan : _due.Values.Min() - time.GetUtcNow();
        }

        if (delay != Timeout.InfiniteTimeSpan && delay <= TimeSpan.Zero)
        {
            return;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var timer = delay == Timeout.InfiniteTimeSpan ? Task.Delay(Timeout.Infinite, stop.Token) : Task.Delay(delay, time, stop.Token);
        await Task.WhenAny(changed, timer).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
