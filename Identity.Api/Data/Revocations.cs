namespace Identity.Api.Data;

/// <summary>
/// Writes revocations to the durable feed and applies them to this process's list at once, so Identity refuses a
/// revoked token immediately; other services pick it up from the feed within one poll.
/// </summary>
public sealed class RevocationWriter(IdentityDbContext db, RevocationList list, TimeProvider time)
{
    /// <summary>How long past a token's expiry its revocation is kept: more than any validator's clock skew.</summary>
    public static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(5);

    public async Task RevokeAsync(IReadOnlyList<(string Kind, string Value, DateTimeOffset TokenExpiresAt)> items, CancellationToken cancellationToken)
    {
        var entries = new List<RevocationEntry>(items.Count);
        foreach (var (kind, value, tokenExpiresAt) in items)
        {
            var expiresAt = (tokenExpiresAt + ExpiryMargin).ToUniversalTime();
            // Each call commits on its own (no ambient transaction), so the feed's writer lock is held only briefly.
            var id = await db.Database
                .SqlQuery<long>($"SELECT add_revocation({kind}, {value}, {expiresAt}) AS \"Value\"")
                .AsAsyncEnumerable()
                .SingleAsync(cancellationToken);
            entries.Add(new RevocationEntry(id, kind, value, expiresAt));
        }

        // Cursor 0 leaves the list's cursor alone: the feed will still deliver these (and anything before them).
        list.Apply(new RevocationPage(entries, 0), time.GetUtcNow());
    }
}

/// <summary>
/// Identity's own revocation source: its database, read in id order (the same query serves the HTTP feed). A read
/// that finds nothing waits for the next commit to <c>revocations</c>, which every replica hears on the change feed
/// (docs/decisions/revocation-push.md); without a listening feed it answers at once and the reader polls.
/// </summary>
public sealed class DbRevocationFeed : IRevocationFeed
{
    public const int PageSize = 1000;

    /// <summary>The change feed's payload prefix for a committed revocation (its trigger names the table).</summary>
    public const string ChangePrefix = "revocations:";

    private readonly IServiceScopeFactory _scopes;
    private readonly ChangeFeed _changes;
    private readonly TimeProvider _time;
    private TaskCompletionSource _news = NewSignal();

    public DbRevocationFeed(IServiceScopeFactory scopes, ChangeFeed changes, TimeProvider time)
    {
        (_scopes, _changes, _time) = (scopes, changes, time);
        // A reset (the feed went dark or came back) wakes readers too: they read again and answer.
        changes.Subscribe(payload =>
        {
            if (payload.StartsWith(ChangePrefix, StringComparison.Ordinal))
            {
                Wake();
            }
        }, Wake);
    }

    public async Task<RevocationPage> ReadAfterAsync(long cursor, TimeSpan wait, CancellationToken cancellationToken)
    {
        var deadline = _time.GetTimestamp() + (long)(wait.TotalSeconds * _time.TimestampFrequency);
        while (true)
        {
            // Taken before the read: a revocation committed after the read completes it, so none is slept through.
            var news = Volatile.Read(ref _news).Task;
            var page = await ReadOnceAsync(cursor, cancellationToken);
            var left = TimeSpan.FromSeconds((double)(deadline - _time.GetTimestamp()) / _time.TimestampFrequency);
            if (page.Items.Count > 0 || left <= TimeSpan.Zero || !_changes.IsLive)
            {
                return page;
            }

            try
            {
                await news.WaitAsync(left, _time, cancellationToken);
            }
            catch (TimeoutException)
            {
                return page;
            }
        }
    }

    private async Task<RevocationPage> ReadOnceAsync(long cursor, CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var items = await db.Revocations.AsNoTracking()
            .Where(r => r.Id > cursor)
            .OrderBy(r => r.Id)
            .Take(PageSize)
            .Select(r => new RevocationEntry(r.Id, r.Kind, r.Value, r.ExpiresAt))
            .ToListAsync(cancellationToken);
        return new RevocationPage(items, items.Count > 0 ? items[^1].Id : cursor);
    }

    private void Wake() => Interlocked.Exchange(ref _news, NewSignal()).TrySetResult();

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Keeps the tables the size of what is live: revocations, sessions and refresh tokens whose tokens expired more
/// than an hour ago are deleted (a reader starting from 0 then loads only live revocations), and login failure
/// counts past their window.
/// </summary>
public sealed class ExpiredRowsCleanup(
    IServiceScopeFactory scopes,
    Microsoft.Extensions.Options.IOptions<Accounts.IdentitySettings> settings,
    TimeProvider time,
    ILogger<ExpiredRowsCleanup> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
                var cutoff = time.GetUtcNow() - Grace;
                var revocations = await db.Revocations.Where(r => r.ExpiresAt < cutoff).ExecuteDeleteAsync(stoppingToken);
                var tokens = await db.RefreshTokens.Where(t => t.ExpiresAt < cutoff).ExecuteDeleteAsync(stoppingToken);
                var sessions = await db.Sessions.Where(s => s.ExpiresAt < cutoff).ExecuteDeleteAsync(stoppingToken);
                var forgotten = time.GetUtcNow() - settings.Value.Lockout.FailureWindow;
                await db.AccountTokens.Where(t => t.ExpiresAt < cutoff).ExecuteDeleteAsync(stoppingToken);
                var failures = await db.LoginFailures.Where(f => f.LastFailureAt <= forgotten).ExecuteDeleteAsync(stoppingToken);
                logger.LogInformation(
                    "Deleted {Revocations} expired revocations, {Tokens} refresh tokens, {Sessions} sessions, {Failures} login failure counts",
                    revocations, tokens, sessions, failures);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Cleanup of expired sessions and revocations failed; retrying later");
            }
        }
    }
}
