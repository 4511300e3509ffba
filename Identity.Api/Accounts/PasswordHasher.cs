namespace Identity.Api.Accounts;

/// <summary>
/// bcrypt at the configured cost, native (libxcrypt) where the machine has it and BCrypt.Net-Next otherwise; every
/// <c>$2a$</c>/<c>$2b$</c> hash verifies with either (docs/decisions/native-bcrypt.md). Hashing is CPU-bound (about
/// a fifth of a second at cost 12), so at most one hash per core runs at a time: a burst of logins queues instead of
/// starving every other request of threads.
/// </summary>
public sealed class PasswordHasher
{
    private readonly int _cost;
    private readonly IBcrypt _bcrypt;
    private readonly SemaphoreSlim _gate = new(Environment.ProcessorCount);
    private readonly Lazy<string> _dummyHash;

    public PasswordHasher(IOptions<IdentitySettings> settings)
        : this(settings, (IBcrypt?)NativeBcrypt.TryCreate() ?? ManagedBcrypt.Instance)
    {
    }

    internal PasswordHasher(IOptions<IdentitySettings> settings, IBcrypt bcrypt)
    {
        _cost = settings.Value.BcryptCost;
        _bcrypt = bcrypt;
        // Verified when the email is unknown, so that answer takes as long as a wrong password.
        _dummyHash = new Lazy<string>(() => Hash("dummy-password-for-timing-1"));
    }

    /// <summary>True when hashes are computed by libxcrypt.</summary>
    public bool IsNative => _bcrypt is NativeBcrypt;

    /// <summary>Computes the dummy hash now (a fifth of a second of CPU), so the first login does not pay for it.</summary>
    public void WarmUp() => _ = _dummyHash.Value;

    public async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await OffThePoolAsync(() => Hash(password));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Checks a password; with no hash (unknown user) it verifies against a dummy and returns false.</summary>
    public async Task<bool> VerifyAsync(string password, string? hash, CancellationToken cancellationToken)
    {
        var dummy = _dummyHash.Value;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (hash is null)
            {
                await OffThePoolAsync(() => BcryptFormat.Verify(_bcrypt, password, dummy));
                return false;
            }

            return await OffThePoolAsync(() => BcryptFormat.Verify(Implementation(password), password, hash));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>True when the hash's cost is below the configured one (an unreadable hash is never rehashed).</summary>
    public bool NeedsRehash(string hash) => BcryptFormat.TryReadCost(hash, out var cost) && cost < _cost;

    /// <summary>
    /// Runs a hash on its own thread: blocking thread-pool threads for a fifth of a second each would starve the cheap
    /// requests (rate-limit checks, revocation feed, health) behind them on a small machine.
    /// </summary>
    private static Task<T> OffThePoolAsync<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // '$2b$' like the original platform's hashes (Python bcrypt); '$2a$' hashes verify the same way.
    private string Hash(string password)
    {
        var setting = BcryptFormat.NewSetting(_cost);
        return Implementation(password).Crypt(password, setting)
               ?? throw new InvalidOperationException("bcrypt refused a freshly generated setting");
    }

    // A password with a NUL byte cannot cross into C; BCrypt.Net-Next hashes it (both sides agree on which one).
    private IBcrypt Implementation(string password) =>
        password.Contains('\0', StringComparison.Ordinal) ? ManagedBcrypt.Instance : _bcrypt;
}
