namespace Identity.Api.Accounts;

/// <summary>
/// The lockout state in identitydb (<c>login_failures</c>), so all replicas share it. Per login: one indexed read
/// before the password check, one upsert after a failure, one delete after a success that follows failures: well
/// under a millisecond each, next to a quarter second of bcrypt.
/// </summary>
public sealed class LoginLockout(IdentityDbContext db, IOptions<IdentitySettings> settings, TimeProvider time)
{
    private LockoutSettings Settings => settings.Value.Lockout;

    /// <summary>Whether this (email, address) may verify a password now; the recorded failures come along.</summary>
    public async Task<LockoutState> CheckAsync(string email, IPAddress? address, CancellationToken cancellationToken)
    {
        var key = ClientAddresses.PartitionKey(address);
        var rows = await db.LoginFailures.AsNoTracking()
            .Where(f => f.Email == email && (f.Address == key || f.Address == LoginFailure.AllAddresses))
            .ToListAsync(cancellationToken);
        return State(email, key, rows);
    }

    /// <summary>Counts a failed verification for the address and for the email (atomic, so replicas cannot lose counts).</summary>
    public async Task<LockoutState> RecordFailureAsync(string email, IPAddress? address, CancellationToken cancellationToken)
    {
        var key = ClientAddresses.PartitionKey(address);
        var now = time.GetUtcNow();
        var forgetBefore = now - Settings.FailureWindow;
        var rows = await db.LoginFailures
            .FromSql($"""
                INSERT INTO login_failures AS f (email, address, failures, last_failure_at)
                VALUES ({email}, {key}, 1, {now}), ({email}, {LoginFailure.AllAddresses}, 1, {now})
                ON CONFLICT (email, address) DO UPDATE SET
                    failures = CASE WHEN f.last_failure_at <= {forgetBefore} THEN 1 ELSE f.failures + 1 END,
                    last_failure_at = excluded.last_failure_at
                RETURNING f.*
                """)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return State(email, key, rows);
    }

    /// <summary>A successful login clears this address's failures on the email (the per-email count stays).</summary>
    public Task ResetAsync(LockoutState state, CancellationToken cancellationToken) =>
        state.Pair is null
            ? Task.CompletedTask
            : db.LoginFailures.Where(f => f.Email == state.Email && f.Address == state.Address).ExecuteDeleteAsync(cancellationToken);

    private LockoutState State(string email, string key, List<LoginFailure> rows)
    {
        var pair = rows.SingleOrDefault(r => r.Address == key);
        var all = rows.SingleOrDefault(r => r.Address == LoginFailure.AllAddresses);
        return new LockoutState(email, key, pair, all, LockoutPolicy.RetryAfter(Settings, pair, all, time.GetUtcNow()));
    }
}

/// <param name="RetryAfter">How long this (email, address) must wait before a password is verified; null: now.</param>
public sealed record LockoutState(string Email, string Address, LoginFailure? Pair, LoginFailure? AllAddresses, TimeSpan? RetryAfter);
