using System.Collections.Concurrent;
using System.Threading.Channels;

namespace SaasPlatform.Messaging.Outbox;

/// <summary>
/// In-process wake-up for outbox relays, keyed by database name. <see cref="OutboxCommitInterceptor"/> calls
/// <see cref="Notify"/> after a transaction that added outbox rows commits. A database with a relay of its own
/// (<see cref="OutboxRelay{TDbContext}"/>) wakes that relay; any other database (a tenant database) is queued,
/// once however often it is signalled, for whoever reads <see cref="ReadSignalledDatabasesAsync"/>.
/// </summary>
public sealed class OutboxSignal
{
    private readonly ConcurrentDictionary<string, Channel<bool>> _owned = new(StringComparer.Ordinal);
    private readonly Channel<string> _others = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = false });
    private readonly ConcurrentDictionary<string, byte> _queued = new(StringComparer.Ordinal);

    /// <summary>Rows were committed to the outbox of <paramref name="database"/>.</summary>
    public void Notify(string database)
    {
        if (_owned.TryGetValue(database, out var own))
        {
            own.Writer.TryWrite(true);
            return;
        }

        if (_queued.TryAdd(database, 0))
        {
            _others.Writer.TryWrite(database);
        }
    }

    /// <summary>
    /// Names of signalled databases that have no relay of their own (tenant databases), each once until it is read
    /// again. Many readers may share the stream.
    /// </summary>
    public async IAsyncEnumerable<string> ReadSignalledDatabasesAsync(
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await _others.Reader.WaitToReadAsync(cancellationToken))
        {
            while (_others.Reader.TryRead(out var database))
            {
                // Removed before publishing starts: a commit during the publish queues the database again.
                _queued.TryRemove(database, out _);
                yield return database;
            }
        }
    }

    /// <summary>Claims <paramref name="database"/> for a dedicated relay; its signals wake the returned reader.</summary>
    internal ChannelReader<bool> Claim(string database) =>
        _owned.GetOrAdd(database, _ => Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite })).Reader;
}
