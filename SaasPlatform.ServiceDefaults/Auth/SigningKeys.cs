using Microsoft.IdentityModel.Tokens;

namespace SaasPlatform.ServiceDefaults.Auth;

/// <summary>The public keys a service accepts token signatures from.</summary>
public interface ISigningKeySource
{
    IEnumerable<SecurityKey> GetKeys(string? keyId);
}

/// <summary>
/// Keys read from the issuer's JWKS document and refreshed periodically, or sooner when a token names an unknown
/// <c>kid</c> (key rotation). No secret is shared between services. An unknown <c>kid</c> costs anyone nothing to
/// send, so it triggers at most one refetch per <see cref="UnknownKidRefetchInterval"/>: a flood of forged tokens
/// cannot turn every validating service into a client hammering the issuer.
/// </summary>
public sealed class JwksSigningKeySource(
    IHttpClientFactory httpClientFactory,
    IOptions<JwtSettings> settings,
    TimeProvider time,
    ILogger<JwksSigningKeySource> logger) : BackgroundService, ISigningKeySource
{
    public static readonly TimeSpan UnknownKidRefetchInterval = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private volatile IReadOnlyList<SecurityKey> _keys = [];
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DateTimeOffset _lastFetchStarted = DateTimeOffset.MinValue;

    public IEnumerable<SecurityKey> GetKeys(string? keyId)
    {
        var match = _keys.Where(k => keyId is null || k.KeyId == keyId).ToList();
        if (match.Count == 0)
        {
            RequestRefetch();
        }

        return match;
    }

    private void RequestRefetch()
    {
        lock (_gate)
        {
            // Reserving the slot here (not when the fetch starts) keeps two wake-ups at least the interval apart.
            var now = time.GetUtcNow();
            if (now - _lastFetchStarted >= UnknownKidRefetchInterval)
            {
                _lastFetchStarted = now;
                _wake.TrySetResult();
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            Task wake;
            lock (_gate)
            {
                _lastFetchStarted = time.GetUtcNow();
                _wake = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                wake = _wake.Task;
            }

            var delay = RefreshInterval;
            try
            {
                using var http = httpClientFactory.CreateClient(nameof(JwksSigningKeySource));
                var json = await http.GetStringAsync(settings.Value.JwksUri, stoppingToken);
                _keys = [.. new JsonWebKeySet(json).GetSigningKeys()];
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Could not read JWKS from {JwksUri}; retrying", settings.Value.JwksUri);
                delay = RetryInterval;
            }

            // Wake early when a token names a key we do not know yet (at most once per interval, see RequestRefetch).
            using var sleep = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            try
            {
                await Task.WhenAny(wake, Task.Delay(delay, time, sleep.Token));
            }
            finally
            {
                await sleep.CancelAsync();
            }
        }
    }
}
