using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace SaasPlatform.ServiceDefaults.Auth;

/// <summary>The public keys a service accepts token signatures from.</summary>
public interface ISigningKeySource
{
    IEnumerable<SecurityKey> GetKeys(string? keyId);
}

/// <summary>
/// Keys read from the issuer's JWKS document and refreshed periodically, or sooner when a token names an unknown
/// <c>kid</c> (key rotation). No secret is shared between services.
/// </summary>
public sealed class JwksSigningKeySource(
    IHttpClientFactory httpClientFactory,
    IOptions<JwtSettings> settings,
    ILogger<JwksSigningKeySource> logger) : BackgroundService, ISigningKeySource
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(10);
    private volatile IReadOnlyList<SecurityKey> _keys = [];
    private readonly SemaphoreSlim _refreshRequested = new(0, 1);

    public IEnumerable<SecurityKey> GetKeys(string? keyId)
    {
        var keys = _keys;
        var match = keys.Where(k => keyId is null || k.KeyId == keyId).ToList();
        if (match.Count == 0 && _refreshRequested.CurrentCount == 0)
        {
            _refreshRequested.Release();
        }

        return match;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
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
                delay = TimeSpan.FromSeconds(1);
            }

            // Wake early when a token names a key we do not know yet.
            try
            {
                await _refreshRequested.WaitAsync(delay, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
