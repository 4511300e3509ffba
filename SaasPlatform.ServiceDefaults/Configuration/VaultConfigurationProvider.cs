using Microsoft.Extensions.Logging.Abstractions;

namespace SaasPlatform.ServiceDefaults.Configuration;

/// <summary>Adds the keys of Vault KV v2 secret(s) to configuration (see <see cref="VaultKeyMapper"/> for the key convention).</summary>
public sealed class VaultConfigurationSource(VaultOptions options, TimeProvider? timeProvider = null) : IConfigurationSource
{
    public VaultOptions Options { get; } = options;

    /// <summary>The provider most recently built from this source (a configuration manager may rebuild it).</summary>
    public VaultConfigurationProvider? Provider { get; private set; }

    public IConfigurationProvider Build(IConfigurationBuilder builder) =>
        Provider = new VaultConfigurationProvider(Options, timeProvider ?? TimeProvider.System);
}

/// <summary>
/// Reads the secrets once when loaded (failing start-up, unless <see cref="VaultOptions.Optional"/>, when Vault cannot be
/// read), then again every <see cref="VaultOptions.RefreshInterval"/>: a change replaces the values and fires the
/// configuration reload token, so <c>IOptionsMonitor</c> and <c>IConfiguration</c> readers see it without a restart.
/// A failed refresh keeps the last values read.
/// </summary>
public sealed class VaultConfigurationProvider(VaultOptions options, TimeProvider time) : ConfigurationProvider, IDisposable
{
    private readonly VaultClient _client = new(options, time);
    private ITimer? _timer;
    private int _refreshing;
    private volatile bool _failing;

    /// <summary>Set once the host's logging exists; configuration is built before it.</summary>
    public ILogger Logger { get; set; } = NullLogger.Instance;

    /// <summary>Why Vault could not be read at start-up, when <see cref="VaultOptions.Optional"/> let the service start anyway.</summary>
    public VaultException? StartupError { get; private set; }

    /// <summary>When the secrets were last read successfully.</summary>
    public DateTimeOffset? LastRead { get; private set; }

    public int KeyCount => Data.Count;

    /// <summary>While Vault cannot be read, it is tried again sooner than the refresh interval (at most every 30 s).</summary>
    public TimeSpan RetryInterval => options.RefreshInterval < TimeSpan.FromSeconds(30) ? options.RefreshInterval : TimeSpan.FromSeconds(30);

    public string Description => $"{options.Address} ({string.Join(", ", options.Paths.Select(p => $"{options.Mount}/{p}"))})";

    public override void Load()
    {
        if (_timer is not null)
        {
            // An explicit IConfigurationRoot.Reload(): read again, keeping the last values if Vault fails now.
            RefreshAsync().GetAwaiter().GetResult();
            return;
        }

        try
        {
            // Configuration loading is synchronous; this runs once, at start-up, before anything is served.
            Data = _client.ReadConfigurationAsync().GetAwaiter().GetResult();
            LastRead = time.GetUtcNow();
        }
        catch (VaultException ex) when (options.Optional)
        {
            StartupError = ex;
            _failing = true;
        }
        catch (VaultException ex)
        {
            throw new VaultException(
                $"Configuration could not be read from Vault {Description}, so the service does not start. {ex.Message} "
                + "(Set Vault:Optional=true to start on the other configuration sources instead.)", ex)
            { StatusCode = ex.StatusCode };
        }

        var interval = _failing ? RetryInterval : options.RefreshInterval;
        _timer = time.CreateTimer(_ => _ = RefreshInBackgroundAsync(), null, interval, interval);
    }

    /// <summary>Reads Vault now; true when the values changed (and the reload token fired).</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
        {
            return false; // a refresh is already under way
        }

        try
        {
            var data = await _client.ReadConfigurationAsync(cancellationToken);
            LastRead = time.GetUtcNow();
            if (_failing)
            {
                _failing = false;
                _timer?.Change(options.RefreshInterval, options.RefreshInterval);
                Logger.LogInformation("Vault {Vault} can be read again", Description);
            }

            if (SameAs(data))
            {
                return false;
            }

            Data = data;
            Logger.LogInformation("Configuration from Vault {Vault} changed; reloaded {KeyCount} keys", Description, data.Count);
            OnReload();
            return true;
        }
        catch (VaultException ex)
        {
            if (!_failing)
            {
                _failing = true;
                _timer?.Change(RetryInterval, RetryInterval);
            }

            Logger.LogWarning(ex, "Could not refresh configuration from Vault {Vault}; keeping the values read at {LastRead}",
                Description, LastRead);
            return false;
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private async Task RefreshInBackgroundAsync()
    {
        try
        {
            await RefreshAsync();
        }
        catch (Exception ex)
        {
            // A timer callback must not throw; a reload subscriber's failure lands here.
            Logger.LogError(ex, "Refreshing configuration from Vault {Vault} failed", Description);
        }
    }

    private bool SameAs(Dictionary<string, string?> data) =>
        data.Count == Data.Count
        && data.All(pair => Data.TryGetValue(pair.Key, out var value) && string.Equals(value, pair.Value, StringComparison.Ordinal));

    /// <summary>Stops the periodic refresh (host shutdown).</summary>
    public void StopRefreshing()
    {
        _timer?.Dispose();
    }

    public void Dispose()
    {
        StopRefreshing();
        _client.Dispose();
    }
}
