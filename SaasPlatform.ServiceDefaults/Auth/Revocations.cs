using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SaasPlatform.ServiceDefaults.Auth;

/// <summary>What was revoked: a single token (<c>jti</c>), a whole session (<c>sid</c>), or a user (deactivated).</summary>
public static class RevocationKinds
{
    public const string Token = "token";
    public const string Session = "session";
    public const string User = "user";
}

/// <param name="Id">Monotonic position in the feed; a reader resumes after the last one it saw.</param>
public sealed record RevocationEntry(long Id, string Kind, string Value, DateTimeOffset ExpiresAt);

public sealed record RevocationPage(IReadOnlyList<RevocationEntry> Items, long Cursor);

/// <summary>Source of revocations: Identity.Api reads its own database, the other services its HTTP feed.</summary>
public interface IRevocationFeed
{
    /// <summary>
    /// The revocations after <paramref name="cursor"/>. When there are none, the source may hold the answer up to
    /// <paramref name="wait"/> for the next one (a long poll: docs/decisions/revocation-push.md), and answers at once
    /// when it cannot tell (then the reader polls).
    /// </summary>
    Task<RevocationPage> ReadAfterAsync(long cursor, TimeSpan wait, CancellationToken cancellationToken);
}

/// <summary>
/// In-memory view of every live revocation, kept current by <see cref="RevocationSync"/>. Checked on every request
/// without I/O; rebuilt from the durable feed at start-up, so a restart forgets nothing. It also knows when the feed
/// was last read in full: a view older than <see cref="JwtSettings.RevocationMaxStaleness"/> is not trusted (fail
/// closed), since a token revoked after the feed was cut would pass.
/// </summary>
public sealed class RevocationList
{
    private readonly ConcurrentDictionary<(string Kind, string Value), DateTimeOffset> _entries = new();
    private readonly TaskCompletionSource _firstSync = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastPollTicks;   // UTC ticks of the last complete poll; a long, so reads are never torn

    public bool IsSynced => _firstSync.Task.IsCompleted;

    public long Cursor { get; private set; }

    /// <summary>When the feed was last read up to its end (null before the first time).</summary>
    public DateTimeOffset? LastPolledAt =>
        Interlocked.Read(ref _lastPollTicks) is var ticks and > 0 ? new DateTimeOffset(ticks, TimeSpan.Zero) : null;

    /// <summary>Whether the view may be trusted at <paramref name="now"/>: read in full within <paramref name="maxStaleness"/>.</summary>
    public bool IsCurrent(DateTimeOffset now, TimeSpan maxStaleness) =>
        IsSynced && LastPolledAt is { } polled && now - polled <= maxStaleness;

    /// <summary>Records a complete, successful poll of the feed (called by <see cref="RevocationSync"/>).</summary>
    public void RecordPoll(DateTimeOffset now) => Interlocked.Exchange(ref _lastPollTicks, now.UtcTicks);

    public bool IsRevoked(string? tokenId, string? sessionId, string? userId) =>
        (tokenId is not null && _entries.ContainsKey((RevocationKinds.Token, tokenId)))
        || (sessionId is not null && _entries.ContainsKey((RevocationKinds.Session, sessionId)))
        || (userId is not null && _entries.ContainsKey((RevocationKinds.User, userId)));

    public Task WaitForFirstSyncAsync(CancellationToken cancellationToken) => _firstSync.Task.WaitAsync(cancellationToken);

    public void Apply(RevocationPage page, DateTimeOffset now)
    {
        foreach (var entry in page.Items.Where(e => e.ExpiresAt > now))
        {
            _entries[(entry.Kind, entry.Value)] = entry.ExpiresAt;
        }

        Cursor = Math.Max(Cursor, page.Cursor);
        _firstSync.TrySetResult();
    }

    /// <summary>Drops entries whose tokens have expired anyway, so the set stays the size of live revocations.</summary>
    public void Prune(DateTimeOffset now)
    {
        foreach (var (key, expiresAt) in _entries)
        {
            if (expiresAt <= now)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }
}

/// <summary>
/// Follows the revocation feed with long polls: each read waits at the source until something is revoked (or
/// <see cref="JwtSettings.RevocationWait"/> passes), so a logout reaches this process milliseconds after its commit
/// and an idle service asks about once every <see cref="JwtSettings.RevocationWait"/>, not four times a second.
/// </summary>
public sealed class RevocationSync(
    RevocationList list,
    IRevocationFeed feed,
    IOptions<JwtSettings> settings,
    TimeProvider time,
    ILogger<RevocationSync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPrune = time.GetUtcNow();
        var wait = TimeSpan.Zero;   // the first read answers at once: start-up waits for it
        var retry = settings.Value.RevocationPollInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var started = time.GetTimestamp();
            try
            {
                var page = await feed.ReadAfterAsync(list.Cursor, wait, stoppingToken);
                list.Apply(page, time.GetUtcNow());
                retry = settings.Value.RevocationPollInterval;
                if (page.Items.Count > 0)
                {
                    wait = TimeSpan.Zero;   // a full page may have more behind it: read on at once
                    continue;
                }

                list.RecordPoll(time.GetUtcNow());
                if (time.GetUtcNow() - lastPrune > TimeSpan.FromMinutes(1))
                {
                    list.Prune(lastPrune = time.GetUtcNow());
                }

                // A source that answered at once although asked to wait (its change feed is down) is polled, not hammered.
                var early = settings.Value.RevocationPollInterval - time.GetElapsedTime(started);
                if (wait > TimeSpan.Zero && early > TimeSpan.Zero)
                {
                    await Task.Delay(early, time, stoppingToken);
                }

                wait = settings.Value.RevocationWait;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Revocation feed unavailable; retrying in {Delay}", retry);
                await Task.Delay(retry, time, stoppingToken);
                retry = TimeSpan.FromTicks(Math.Min(retry.Ticks * 2, TimeSpan.FromSeconds(2).Ticks));
                wait = TimeSpan.Zero;
            }
        }
    }
}

/// <summary>Reads Identity.Api's feed over HTTP (service discovery resolves the host).</summary>
public sealed class HttpRevocationFeed(HttpClient http, IOptions<JwtSettings> settings) : IRevocationFeed
{
    public async Task<RevocationPage> ReadAfterAsync(long cursor, TimeSpan wait, CancellationToken cancellationToken)
    {
        var uri = new Uri(FormattableString.Invariant($"{settings.Value.RevocationFeedUri}?after={cursor}&wait_ms={(long)wait.TotalMilliseconds}"));
        return await http.GetFromJsonAsync<RevocationPage>(uri, Microsoft.Extensions.Hosting.Extensions.WireJson, cancellationToken)
            ?? new RevocationPage([], cursor);
    }
}

/// <summary>
/// Not ready until revocations have been loaded once (a fresh process must not accept a revoked token), and not
/// ready again once the feed has not been read for longer than the staleness bound (fail closed).
/// </summary>
public sealed class RevocationHealthCheck(RevocationList list, IOptions<JwtSettings> settings, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var bound = settings.Value.RevocationMaxStaleness;
        return Task.FromResult(list.IsCurrent(time.GetUtcNow(), bound)
            ? HealthCheckResult.Healthy($"Revocations synced to {list.Cursor}")
            : list.LastPolledAt is { } polled
                ? HealthCheckResult.Unhealthy($"Revocation feed last read {(time.GetUtcNow() - polled).TotalSeconds:0.0} s ago (bound {bound.TotalSeconds:0.0} s)")
                : HealthCheckResult.Unhealthy("Revocations not loaded yet"));
    }
}
