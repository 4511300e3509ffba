using System.Collections.Concurrent;

namespace SaasPlatform.Messaging.Changes;

/// <summary>
/// Values read from a database, kept until a change notification of <see cref="ChangeFeed"/> says they changed.
/// Correct against races: a value is kept only if no change was heard while it was being read (a change committed
/// in between would otherwise be overwritten by the older value), and nothing is kept or served while the feed is
/// not listening. Bounded: past <c>maxEntries</c> everything is dropped (then refilled by the hot keys).
/// </summary>
public sealed class ChangeCache<TKey, TValue>
    where TKey : notnull
    where TValue : class
{
    private readonly ConcurrentDictionary<TKey, TValue> _entries = new();
    private readonly ChangeFeed _feed;
    private readonly int _maxEntries;

    /// <param name="feed">The database's feed.</param>
    /// <param name="keysOf">The keys a payload invalidates (none when it is about something else).</param>
    /// <param name="maxEntries">Entries kept at most.</param>
    public ChangeCache(ChangeFeed feed, Func<string, IEnumerable<TKey>> keysOf, int maxEntries = 100_000)
    {
        _feed = feed;
        _maxEntries = maxEntries;
        feed.Subscribe(payload =>
        {
            foreach (var key in keysOf(payload))
            {
                _entries.TryRemove(key, out _);
            }
        }, _entries.Clear);
    }

    public int Count => _entries.Count;

    /// <summary>Drops every entry (for a change that may touch any of them).</summary>
    public void Clear() => _entries.Clear();

    /// <summary>The cached value, or <paramref name="load"/>'s, kept when nothing changed meanwhile. Null is never kept.</summary>
    public async ValueTask<TValue?> GetOrLoadAsync<TState>(TKey key, TState state, Func<TState, CancellationToken, Task<TValue?>> load,
        CancellationToken cancellationToken)
    {
        if (TryGet(key, out var cached))
        {
            return cached;
        }

        var stamp = Stamp;
        var value = await load(state, cancellationToken);
        if (value is not null)
        {
            Store(key, value, stamp);
        }

        return value;
    }

    /// <summary>A cached value; never one while the feed is not listening.</summary>
    public bool TryGet(TKey key, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out TValue value)
    {
        value = null;
        return _feed.IsLive && _entries.TryGetValue(key, out value);
    }

    /// <summary>Take it before reading from the database, and give it to <see cref="Store"/>.</summary>
    public long Stamp => _feed.Generation;

    /// <summary>Keeps <paramref name="value"/>, read after <paramref name="stamp"/> was taken, unless a change was heard since.</summary>
    public void Store(TKey key, TValue value, long stamp)
    {
        if (!_feed.IsLive || _feed.Generation != stamp)
        {
            return;
        }

        if (_entries.Count >= _maxEntries)
        {
            _entries.Clear();
        }

        _entries[key] = value;
        // Stored first, checked after: a change heard in between (or a reset) takes it out again.
        if (_feed.Generation != stamp || !_feed.IsLive)
        {
            _entries.TryRemove(KeyValuePair.Create(key, value));
        }
    }
}
