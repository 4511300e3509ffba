using SaasPlatform.ServiceDefaults;

namespace SaasPlatform.Messaging.Changes;

/// <summary>
/// The change notifications of one PostgreSQL database (docs/decisions/cache-invalidation.md): one connection that
/// <c>LISTEN</c>s on <see cref="Channel"/>, where triggers (<see cref="ChangeTriggers"/>) <c>NOTIFY</c>
/// <c>table:key[:key]</c> in the writing transaction, so every process hears a commit, and only a commit, within
/// milliseconds. Caches (<see cref="ChangeCache{TKey, TValue}"/>) subscribe to it. While the connection is down
/// nothing can be known about changes: <see cref="IsLive"/> is false, caches are dropped and bypassed, and they start
/// empty again once it is back.
/// </summary>
public sealed partial class ChangeFeed(string connectionString, ILogger<ChangeFeed> logger, TimeProvider time) : BackgroundService
{
    public const string Channel = "saas_changes";

    /// <summary>How often an idle listening connection is checked (a half-open TCP connection says nothing by itself).</summary>
    public static readonly TimeSpan IdleCheck = TimeSpan.FromSeconds(2);

    private readonly List<Action<string>> _subscribers = [];
    private readonly List<Action> _resetSubscribers = [];
    private readonly TaskCompletionSource _firstLive = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _generation;
    private volatile bool _live;

    /// <summary>True while the listening connection is up: only then may anything be cached.</summary>
    public bool IsLive => _live;

    /// <summary>Moves on every change heard and every reset: a value loaded across a move may be stale.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>Completes once the feed has listened for the first time (for tests and warm-up).</summary>
    public Task FirstLive => _firstLive.Task;

    /// <summary>
    /// Calls <paramref name="onChange"/> with every payload, <paramref name="onReset"/> when everything must go, until
    /// the returned subscription is disposed (caches live as long as the process and never dispose it).
    /// </summary>
    public IDisposable Subscribe(Action<string> onChange, Action onReset)
    {
        lock (_subscribers)
        {
            _subscribers.Add(onChange);
            _resetSubscribers.Add(onReset);
        }

        return new Subscription(this, onChange, onReset);
    }

    /// <summary>
    /// A change this process just committed: handled at once, so its own next read sees it (the notification from
    /// the database follows and is handled again, harmlessly).
    /// </summary>
    public void Publish(string payload) => Dispatch(payload);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Reconnecting.KeepOpenAsync(ListenAsync, e => e is NpgsqlException or TimeoutException or IOException or InvalidOperationException,
            e => LogListenFailed(logger, e), GoDark, time, stoppingToken);

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        var settings = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false, // a dedicated, long-lived session
            Multiplexing = false,
            ApplicationName = "change-feed",
            CommandTimeout = 5,
        };
        await using var connection = new NpgsqlConnection(settings.ConnectionString);
        connection.Notification += (_, e) => Dispatch(e.Payload);
        await connection.OpenAsync(stoppingToken);
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
        {
            await listen.ExecuteNonQueryAsync(stoppingToken);
        }

        // Whatever was cached before this connection listened may have missed a change.
        Reset();
        _live = true;
        _firstLive.TrySetResult();
        LogListening(logger, connection.Database);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!await connection.WaitAsync(IdleCheck, stoppingToken))
            {
                await using var ping = new NpgsqlCommand("SELECT 1", connection);
                await ping.ExecuteScalarAsync(stoppingToken);
            }
        }
    }

    private void GoDark()
    {
        var wasLive = _live;
        _live = false;
        Reset();
        if (wasLive)
        {
            LogNotListening(logger);
        }
    }

    private void Dispatch(string payload)
    {
        // The generation moves before entries go: a reader that stored a value checks it afterwards (ChangeCache).
        Interlocked.Increment(ref _generation);
        Action<string>[] subscribers;
        lock (_subscribers)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber(payload);
        }
    }

    private void Reset()
    {
        Interlocked.Increment(ref _generation);
        Action[] subscribers;
        lock (_subscribers)
        {
            subscribers = [.. _resetSubscribers];
        }

        foreach (var subscriber in subscribers)
        {
            subscriber();
        }
    }

    private sealed class Subscription(ChangeFeed feed, Action<string> onChange, Action onReset) : IDisposable
    {
        public void Dispose()
        {
            lock (feed._subscribers)
            {
                feed._subscribers.Remove(onChange);
                feed._resetSubscribers.Remove(onReset);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Listening for changes in {Database}")]
    private static partial void LogListening(ILogger logger, string database);

    [LoggerMessage(LogLevel.Warning, "Change notifications are not being received; caches are bypassed until they are")]
    private static partial void LogNotListening(ILogger logger);

    [LoggerMessage(LogLevel.Warning, "Listening for changes failed; retrying")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}
