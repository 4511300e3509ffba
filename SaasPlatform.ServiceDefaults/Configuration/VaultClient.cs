using System.Net;

namespace SaasPlatform.ServiceDefaults.Configuration;

/// <summary>
/// The two Vault calls the platform needs, over plain HTTP (VaultSharp is not available here):
/// AppRole login (<c>POST /v1/auth/{mount}/login</c>) and KV v2 read (<c>GET /v1/{mount}/data/{path}</c>).
/// </summary>
public sealed class VaultClient : IDisposable
{
    private const string TokenHeader = "X-Vault-Token";

    private readonly VaultOptions _options;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _loginLock = new(1, 1);
    private string? _token;
    private DateTimeOffset _renewAt = DateTimeOffset.MaxValue;

    public VaultClient(VaultOptions options, TimeProvider? timeProvider = null, HttpMessageHandler? handler = null)
    {
        options.Validate();
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = new Uri(options.Address!.AbsoluteUri.TrimEnd('/') + "/"),
            Timeout = options.Timeout,
        };
        _token = options.Token;
    }

    public Uri Address => _options.Address!;

    /// <summary>Reads every configured path, in order, and flattens them into configuration keys (later paths win).</summary>
    public async Task<Dictionary<string, string?>> ReadConfigurationAsync(CancellationToken cancellationToken = default)
    {
        var result = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in _options.Paths)
        {
            using var secret = await ReadSecretAsync(path, cancellationToken);
            VaultKeyMapper.AddSecret(secret.RootElement, result);
        }

        return result;
    }

    /// <summary>The <c>data.data</c> object of the latest version of a KV v2 secret.</summary>
    public async Task<JsonDocument> ReadSecretAsync(string path, CancellationToken cancellationToken = default)
    {
        var secret = $"{_options.Mount.Trim('/')}/{path.Trim('/')}";
        var relative = $"v1/{_options.Mount.Trim('/')}/data/{path.Trim('/')}";

        for (var attempt = 1; ; attempt++)
        {
            var token = await GetTokenAsync(cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, relative);
            request.Headers.Add(TokenHeader, token);
            using var response = await SendAsync(request, $"reading secret '{secret}'", cancellationToken);

            if (response.StatusCode == HttpStatusCode.Forbidden && _options.UsesAppRole && attempt == 1)
            {
                // The AppRole token expired or was revoked: log in again once.
                ForgetToken(token);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new VaultException(
                    $"Vault at {Address} has no secret '{secret}' (404, KV v2 read of {relative}): write it (vault kv put {secret} ...) or correct Vault:Mount / Vault:Path.")
                { StatusCode = 404 };
            }

            if (response.StatusCode == HttpStatusCode.Forbidden)
            {
                throw new VaultException(
                    $"Vault at {Address} refused to read secret '{secret}' (403: {await ErrorsAsync(response, cancellationToken)}): the {(_options.UsesAppRole ? "AppRole token" : "Vault:Token")} is invalid, expired, or has no policy granting read on {relative}.")
                { StatusCode = 403 };
            }

            await EnsureSuccessAsync(response, $"reading secret '{secret}'", cancellationToken);

            var document = await ReadJsonAsync(response, $"reading secret '{secret}'", cancellationToken);
            if (!document.RootElement.TryGetProperty("data", out var envelope)
                || envelope.ValueKind != JsonValueKind.Object
                || !envelope.TryGetProperty("data", out var data)
                || data.ValueKind != JsonValueKind.Object)
            {
                document.Dispose();
                throw new VaultException(
                    $"Vault at {Address} answered for secret '{secret}' without a data.data object: is '{_options.Mount}' a KV version 2 mount (KV v1 has no /data/ in its paths)?");
            }

            // Hand back a document whose root is the secret's key/value object.
            var inner = JsonDocument.Parse(data.GetRawText());
            document.Dispose();
            return inner;
        }
    }

    private async Task<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (!_options.UsesAppRole)
        {
            return _options.Token!;
        }

        var token = _token;
        if (token is not null && _time.GetUtcNow() < _renewAt)
        {
            return token;
        }

        await _loginLock.WaitAsync(cancellationToken);
        try
        {
            if (_token is not null && _time.GetUtcNow() < _renewAt)
            {
                return _token;
            }

            return await LoginAsync(cancellationToken);
        }
        finally
        {
            _loginLock.Release();
        }
    }

    private void ForgetToken(string token)
    {
        if (_token == token)
        {
            _renewAt = DateTimeOffset.MinValue;
        }
    }

    private async Task<string> LoginAsync(CancellationToken cancellationToken)
    {
        var relative = $"v1/auth/{_options.AppRoleMount.Trim('/')}/login";
        using var request = new HttpRequestMessage(HttpMethod.Post, relative)
        {
            Content = JsonContent.Create(new Dictionary<string, string?>
            {
                ["role_id"] = _options.RoleId,
                ["secret_id"] = _options.SecretId,
            }),
        };
        using var response = await SendAsync(request, "AppRole login", cancellationToken);

        if (response.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized)
        {
            throw new VaultException(
                $"Vault at {Address} refused the AppRole login ({(int)response.StatusCode}: {await ErrorsAsync(response, cancellationToken)}) at {relative}: check Vault:RoleId and Vault:SecretId (a secret id may have expired or used up its uses).")
            { StatusCode = (int)response.StatusCode };
        }

        await EnsureSuccessAsync(response, "AppRole login", cancellationToken);

        using var document = await ReadJsonAsync(response, "AppRole login", cancellationToken);
        if (!document.RootElement.TryGetProperty("auth", out var auth)
            || auth.ValueKind != JsonValueKind.Object
            || !auth.TryGetProperty("client_token", out var clientToken)
            || clientToken.ValueKind != JsonValueKind.String)
        {
            throw new VaultException($"Vault at {Address} answered the AppRole login at {relative} without auth.client_token.");
        }

        var lease = auth.TryGetProperty("lease_duration", out var duration) && duration.TryGetInt64(out var seconds) ? seconds : 0;
        // Log in again at three quarters of the lease, before Vault expires the token; 0 means it never expires.
        _renewAt = lease > 0 ? _time.GetUtcNow().AddSeconds(lease * 0.75) : DateTimeOffset.MaxValue;
        _token = clientToken.GetString()!;
        return _token;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new VaultException($"Vault at {Address} is unreachable ({what}): {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new VaultException($"Vault at {Address} did not answer within {_options.Timeout.TotalSeconds:0.#} s ({what}).", ex);
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new VaultException(
                $"Vault at {Address} answered {(int)response.StatusCode} ({what}): {await ErrorsAsync(response, cancellationToken)}.")
            { StatusCode = (int)response.StatusCode };
        }
    }

    private async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
        }
        catch (JsonException ex)
        {
            throw new VaultException($"Vault at {Address} answered with invalid JSON ({what}).", ex);
        }
    }

    /// <summary>Vault's error body is <c>{"errors": ["..."]}</c>; the messages name no secret values.</summary>
    private static async Task<string> ErrorsAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadFromJsonAsync<VaultErrors>(cancellationToken);
            var errors = body?.Errors?.Where(e => !string.IsNullOrWhiteSpace(e)).ToList();
            return errors is { Count: > 0 } ? string.Join("; ", errors) : "no error message";
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            return "no error message";
        }
    }

    private sealed record VaultErrors([property: System.Text.Json.Serialization.JsonPropertyName("errors")] List<string>? Errors);

    public void Dispose()
    {
        _http.Dispose();
        _loginLock.Dispose();
    }
}
