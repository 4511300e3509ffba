using Microsoft.Extensions.Options;

namespace Identity.Api.Accounts;

/// <summary>
/// bcrypt through BCrypt.Net-Next. Hashing is CPU-bound (about a quarter second at cost 12), so at most one hash
/// per core runs at a time: a burst of logins queues instead of starving every other request of threads.
/// </summary>
public sealed class PasswordHasher
{
    private readonly int _cost;
    private readonly SemaphoreSlim _gate = new(Environment.ProcessorCount);
    private readonly Lazy<string> _dummyHash;

    public PasswordHasher(IOptions<IdentitySettings> settings)
    {
        _cost = settings.Value.BcryptCost;
        // Verified when the email is unknown, so that answer takes as long as a wrong password.
        _dummyHash = new Lazy<string>(() => Hash("dummy-password-for-timing-1"));
    }

    /// <summary>Computes the dummy hash now (a quarter second of CPU), so the first login does not pay for it.</summary>
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
                await OffThePoolAsync(() => BCrypt.Net.BCrypt.Verify(password, dummy));
                return false;
            }

            return await OffThePoolAsync(() => BCrypt.Net.BCrypt.Verify(password, hash));
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
        finally
        {
            _gate.Release();
        }
    }

    public bool NeedsRehash(string hash)
    {
        try
        {
            return BCrypt.Net.BCrypt.PasswordNeedsRehash(hash, _cost);
        }
        catch (BCrypt.Net.SaltParseException)
        {
            return false;
        }
    }

    /// <summary>
    /// Runs a hash on its own thread: blocking thread-pool threads for a quarter second each would starve the cheap
    /// requests (rate-limit checks, revocation feed, health) behind them on a small machine.
    /// </summary>
    private static Task<T> OffThePoolAsync<T>(Func<T> work) =>
        Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    // '$2b$' like the original platform's hashes (Python bcrypt); both verify the same way.
    private string Hash(string password) =>
        BCrypt.Net.BCrypt.HashPassword(password, BCrypt.Net.BCrypt.GenerateSalt(_cost, 'b'));
}
