using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SaasPlatform.ServiceDefaults.Configuration;

public static class VaultConfigurationExtensions
{
    /// <summary>Adds Vault KV v2 secret(s) as a configuration source, loaded at once and refreshed periodically.</summary>
    public static IConfigurationBuilder AddVault(this IConfigurationBuilder builder, VaultOptions options, TimeProvider? timeProvider = null) =>
        builder.Add(new VaultConfigurationSource(options, timeProvider));

    /// <summary>
    /// When <c>Vault:Address</c> is configured, adds the secrets of <c>Vault:Mount</c>/<c>Vault:Path</c> on top of every
    /// other configuration source (Vault wins), before anything else reads configuration. Without it nothing changes:
    /// appsettings, environment and user-secrets as before.
    /// </summary>
    public static TBuilder AddVaultConfiguration<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        var options = builder.Configuration.GetSection(VaultOptions.SectionName).Get<VaultOptions>();
        if (options?.Address is null)
        {
            return builder;
        }

        var source = new VaultConfigurationSource(options);
        // A configuration manager builds and loads the provider here: a Vault that cannot be read stops start-up now.
        builder.Configuration.Add(source);
        builder.Services.AddHostedService(services => new VaultConfigurationLifetime(source, services.GetRequiredService<ILoggerFactory>()));
        return builder;
    }
}

/// <summary>Gives the provider a logger once the host has one, reports how start-up went, and stops refreshing on shutdown.</summary>
internal sealed class VaultConfigurationLifetime(VaultConfigurationSource source, ILoggerFactory loggerFactory) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (source.Provider is not { } provider)
        {
            return Task.CompletedTask;
        }

        var logger = loggerFactory.CreateLogger<VaultConfigurationProvider>();
        provider.Logger = logger;
        if (provider.StartupError is { } error && provider.LastRead is null)
        {
            logger.LogWarning(error,
                "Vault {Vault} could not be read at start-up; continuing on the other configuration sources (Vault:Optional=true) and trying again every {RetryInterval}",
                provider.Description, provider.RetryInterval);
        }
        else
        {
            logger.LogInformation("Read {KeyCount} configuration keys from Vault {Vault}; refreshing every {RefreshInterval}",
                provider.KeyCount, provider.Description, source.Options.RefreshInterval);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        source.Provider?.StopRefreshing();
        return Task.CompletedTask;
    }
}
