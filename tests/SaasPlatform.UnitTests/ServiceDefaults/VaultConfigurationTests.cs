using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SaasPlatform.ServiceDefaults.Configuration;

namespace SaasPlatform.UnitTests.ServiceDefaults;

/// <summary>The Vault configuration source over real HTTP against <see cref="FakeVault"/>.</summary>
public sealed class VaultConfigurationTests
{
    // A signing key is a multi-line PEM: generated per run, so no key material sits in git.
    private static readonly string PemValue = NewPem();

    private static string NewPem()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem() + "\n";
    }

    [Fact]
    public async Task Token_read_maps_secret_keys_into_configuration()
    {
        await using var vault = await FakeVault.StartAsync();
        vault.Put("saas-platform", new Dictionary<string, object?>
        {
            ["Jwt__SigningKey"] = PemValue,
            ["ConnectionStrings:identitydb"] = "Host=db;Password=p@ss",
            ["Storage"] = new Dictionary<string, object> { ["SecretKey"] = "s3-secret", ["Origins"] = new[] { "a", "b" } },
            ["Limits__MaxUploadBytes"] = 1048576,
            ["Features__Audit"] = true,
        });

        using var config = Build(Options(vault, token: vault.IssueToken()));

        Assert.Equal(PemValue, config["Jwt:SigningKey"]);
        Assert.Equal("Host=db;Password=p@ss", config.GetConnectionString("identitydb"));
        Assert.Equal("s3-secret", config["Storage:SecretKey"]);
        Assert.Equal("b", config["Storage:Origins:1"]);
        Assert.Equal(1048576, config.GetValue<long>("Limits:MaxUploadBytes"));
        Assert.True(config.GetValue<bool>("features:audit")); // configuration keys are case-insensitive
        Assert.Equal("from-memory", config["Other"]); // the other sources are still there
    }

    [Fact]
    public async Task AppRole_logs_in_then_reads_with_the_issued_token()
    {
        await using var vault = await FakeVault.StartAsync();
        vault.Put("saas-platform", new { Jwt__SigningKey = PemValue });

        using var config = Build(Options(vault, roleId: vault.RoleId, secretId: vault.SecretId));

        Assert.Equal(PemValue, config["Jwt:SigningKey"]);
        Assert.Equal(1, vault.Logins);
    }

    [Fact]
    public async Task Later_paths_win_for_the_keys_they_share()
    {
        await using var vault = await FakeVault.StartAsync();
        vault.Put("saas-platform", new { Shared = "shared", Jwt__Issuer = "platform" });
        vault.Put("saas-platform/identity-api", new { Jwt__Issuer = "identity" });

        var options = Options(vault, token: vault.IssueToken());
        options.Path = "saas-platform, saas-platform/identity-api";
        using var config = Build(options);

        Assert.Equal("shared", config["Shared"]);
        Assert.Equal("identity", config["Jwt:Issuer"]);
    }

    [Fact]
    public async Task Refresh_picks_up_a_changed_secret_and_fires_the_reload_token()
    {
        await using var vault = await FakeVault.StartAsync();
        vault.Put("saas-platform", new { Jwt__Issuer = "v1" });
        var options = Options(vault, roleId: vault.RoleId, secretId: vault.SecretId);
        options.RefreshInterval = TimeSpan.FromMilliseconds(200);
        using var config = Build(options);
        Assert.Equal("v1", config["Jwt:Issuer"]);

        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = config.GetReloadToken().RegisterChangeCallback(_ => reloaded.TrySetResult(), null);
        vault.Put("saas-platform", new { Jwt__Issuer = "v2" });

        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("v2", config["Jwt:Issuer"]);
    }

    [Fact]
    public async Task Refresh_without_a_change_does_not_reload_and_an_expired_AppRole_token_logs_in_again()
    {
        await using var vault = await FakeVault.StartAsync();
        vault.Put("saas-platform", new { Jwt__Issuer = "v1" });
        var source = new VaultConfigurationSource(Options(vault, roleId: vault.RoleId, secretId: vault.SecretId));
        using var config = (ConfigurationRoot)new ConfigurationBuilder().Add(source).Build();
        var provider = source.Provider!;

        Assert.False(await provider.RefreshAsync());
        Assert.Equal(1, vault.Logins);

        vault.RevokeAllTokens();
        vault.Put("saas-platform", new { Jwt__Issuer = "v2" });
        Assert.True(await provider.RefreshAsync());

        Assert.Equal("v2", config["Jwt:Issuer"]);
        Assert.Equal(2, vault.Logins);
    }

    [Fact]
    public async Task A_failed_refresh_keeps_the_last_values()
    {
        var vault = await FakeVault.StartAsync();
        vault.Put("saas-platform", new { Jwt__Issuer = "v1" });
        var source = new VaultConfigurationSource(Options(vault, token: vault.IssueToken()));
        using var config = (ConfigurationRoot)new ConfigurationBuilder().Add(source).Build();

        await vault.DisposeAsync();

        Assert.False(await source.Provider!.RefreshAsync());
        Assert.Equal("v1", config["Jwt:Issuer"]);
    }

    [Theory]
    [InlineData(HttpStatusCode.Forbidden, "permission denied")]
    [InlineData(HttpStatusCode.BadRequest, "invalid role or secret ID")]
    public async Task A_refused_AppRole_login_fails_with_a_clear_error(HttpStatusCode refusal, string vaultMessage)
    {
        await using var vault = await FakeVault.StartAsync();
        vault.LoginRefusal = refusal;
        vault.Put("saas-platform", new { Jwt__Issuer = "v1" });

        var ex = Assert.Throws<VaultException>(() => Build(Options(vault, roleId: vault.RoleId, secretId: "wrong")));

        Assert.Equal((int)refusal, ex.StatusCode);
        Assert.Contains("AppRole login", ex.Message);
        Assert.Contains(vaultMessage, ex.Message);
        Assert.Contains("Vault:RoleId and Vault:SecretId", ex.Message);
        Assert.Contains(vault.Address.ToString(), ex.Message);
        Assert.Contains("secret/saas-platform", ex.Message);
        Assert.DoesNotContain("wrong", ex.Message); // credentials never appear in messages
    }

    [Fact]
    public async Task A_bad_token_fails_with_a_clear_error()
    {
        await using var vault = await FakeVault.StartAsync();
        vault.Put("saas-platform", new { Jwt__Issuer = "v1" });

        var ex = Assert.Throws<VaultException>(() => Build(Options(vault, token: "hvs.not-issued")));

        Assert.Equal(403, ex.StatusCode);
        Assert.Contains("refused to read secret 'secret/saas-platform'", ex.Message);
        Assert.Contains("permission denied", ex.Message);
        Assert.DoesNotContain("hvs.not-issued", ex.Message);
    }

    [Fact]
    public async Task A_missing_path_fails_with_a_clear_error()
    {
        await using var vault = await FakeVault.StartAsync();

        var ex = Assert.Throws<VaultException>(() => Build(Options(vault, token: vault.IssueToken())));

        Assert.Equal(404, ex.StatusCode);
        Assert.Contains("has no secret 'secret/saas-platform'", ex.Message);
        Assert.Contains(vault.Address.ToString(), ex.Message);
    }

    [Fact]
    public void A_Vault_that_is_down_at_start_up_stops_start_up_with_a_clear_error()
    {
        var address = new Uri($"http://127.0.0.1:{FakeVault.FreePort()}/");

        var ex = Assert.Throws<VaultException>(() => Build(new VaultOptions { Address = address, Token = "t" }));

        Assert.Null(ex.StatusCode);
        Assert.Contains("unreachable", ex.Message);
        Assert.Contains(address.ToString(), ex.Message);
        Assert.Contains("secret/saas-platform", ex.Message);
        Assert.Contains("does not start", ex.Message);
    }

    [Fact]
    public async Task An_optional_Vault_that_is_down_lets_start_up_continue_and_is_read_once_it_is_up()
    {
        var port = FakeVault.FreePort();
        var options = new VaultOptions
        {
            Address = new Uri($"http://127.0.0.1:{port}/"),
            Token = "root",
            Optional = true,
            RefreshInterval = TimeSpan.FromMilliseconds(200),
        };
        var source = new VaultConfigurationSource(options);
        using var config = new ConfigurationManager();
        config.AddInMemoryCollection(new Dictionary<string, string?> { ["Jwt:Issuer"] = "from-configuration" });

        ((IConfigurationBuilder)config).Add(source);

        Assert.Equal("from-configuration", config["Jwt:Issuer"]);
        Assert.NotNull(source.Provider!.StartupError);
        Assert.Contains("unreachable", source.Provider.StartupError.Message);

        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = ((IConfiguration)config).GetReloadToken().RegisterChangeCallback(_ => reloaded.TrySetResult(), null);
        await using var vault = await FakeVault.StartAsync(port);
        vault.Put("saas-platform", new { Jwt__Issuer = "from-vault" });
        vault.IssueToken("root");

        await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("from-vault", config["Jwt:Issuer"]);
    }

    [Fact]
    public async Task While_Vault_cannot_be_read_it_is_retried_every_30_seconds_not_every_refresh_interval()
    {
        var port = FakeVault.FreePort();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = new VaultOptions { Address = new Uri($"http://127.0.0.1:{port}/"), Token = "root", Optional = true };
        var source = new VaultConfigurationSource(options, time);
        using var config = (ConfigurationRoot)new ConfigurationBuilder().Add(source).Build();
        Assert.NotNull(source.Provider!.StartupError);

        await using var vault = await FakeVault.StartAsync(port);
        vault.IssueToken("root");
        vault.Put("saas-platform", new { Jwt__Issuer = "from-vault" });
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = config.GetReloadToken().RegisterChangeCallback(_ => reloaded.TrySetResult(), null);

        // Steps of 30 s, well short of the 5-minute refresh interval in total (a slow machine may need a second try).
        for (var step = 0; step < 8 && !reloaded.Task.IsCompleted; step++)
        {
            time.Advance(TimeSpan.FromSeconds(30));
            await Task.WhenAny(reloaded.Task, Task.Delay(TimeSpan.FromSeconds(2.5)));
        }

        Assert.True(reloaded.Task.IsCompleted, "configuration was not reloaded within 4 minutes of (fake) time");
        Assert.Equal("from-vault", config["Jwt:Issuer"]);
    }

    [Fact]
    public void Settings_that_cannot_work_are_refused_even_when_optional()
    {
        var ex = Assert.Throws<VaultException>(() => Build(new VaultOptions { Address = new Uri("http://127.0.0.1:1/"), Optional = true }));

        Assert.Contains("Vault:Token, or Vault:RoleId and Vault:SecretId", ex.Message);
    }

    [Fact]
    public void Service_defaults_without_Vault_Address_add_no_source()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Jwt:Issuer"] = "plain" });

        builder.AddServiceDefaults();

        Assert.DoesNotContain(builder.Configuration.Sources, s => s is VaultConfigurationSource);
        Assert.Equal("plain", builder.Configuration["Jwt:Issuer"]);
    }

    [Fact]
    public async Task Service_defaults_with_Vault_Address_read_the_secrets_and_Vault_wins()
    {
        await using var vault = await FakeVault.StartAsync();
        vault.Put("saas-platform", new { Jwt__Issuer = "from-vault", Jwt__RevocationPollInterval = "00:00:02" });
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vault:Address"] = vault.Address.ToString(),
            ["Vault:Token"] = vault.IssueToken(),
            ["Jwt:Issuer"] = "from-configuration",
        });

        builder.AddServiceDefaults();
        builder.Services.Configure<SaasPlatform.ServiceDefaults.Auth.JwtSettings>(builder.Configuration.GetSection("Jwt"));
        using var host = builder.Build();
        await host.StartAsync();

        var jwt = host.Services.GetRequiredService<IOptions<SaasPlatform.ServiceDefaults.Auth.JwtSettings>>().Value;
        Assert.Equal("from-vault", jwt.Issuer);
        Assert.Equal(TimeSpan.FromSeconds(2), jwt.RevocationPollInterval);
        await host.StopAsync();
    }

    [Fact]
    public void Service_defaults_fail_fast_when_a_configured_Vault_is_down()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        var address = $"http://127.0.0.1:{FakeVault.FreePort()}/";
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Vault:Address"] = address,
            ["Vault:Token"] = "t",
            ["Vault:Path"] = "saas-platform/events-worker",
        });

        var ex = Assert.Throws<VaultException>(() => builder.AddServiceDefaults());

        Assert.Contains(address, ex.Message);
        Assert.Contains("secret/saas-platform/events-worker", ex.Message);
    }

    private static VaultOptions Options(FakeVault vault, string? token = null, string? roleId = null, string? secretId = null) => new()
    {
        Address = vault.Address,
        Token = token,
        RoleId = roleId,
        SecretId = secretId,
    };

    private static ConfigurationRoot Build(VaultOptions options) =>
        (ConfigurationRoot)new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Other"] = "from-memory", ["Jwt:SigningKey"] = "overridden" })
            .AddVault(options)
            .Build();
}
