using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SaasPlatform.EndToEndTests;

/// <summary>
/// Starts the real AppHost once for every end-to-end test (local stand-in servers: PostgreSQL, the Kafka dev
/// broker, s3rver), waits until every resource is healthy, and hands out clients for the gateway.
/// The broker and S3 ports are chosen per run so that two runs on one machine do not collide.
/// </summary>
public sealed class PlatformFixture : IAsyncLifetime
{
    public static readonly string[] Services = ["identity-api", "tenancy-api", "documents-api", "events-worker", "gateway"];

    /// <summary>
    /// Per-service settings for the test run, as <c>resource:Key:Sub=value</c> (passed through the AppHost's
    /// <c>ServiceOverrides</c>): short timings and raised limits that the tests rely on.
    /// </summary>
    public static readonly string[] TestSettings =
    [
        "gateway:RateLimits:Global:PermitLimit=100000",
    ];

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("Platform not started");

    public int KafkaPort { get; } = FreePort();

    public int S3Port { get; } = FreePort();

    public string S3Directory { get; } = Directory.CreateTempSubdirectory("saasplatform-s3-").FullName;

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SaasPlatform_AppHost>(
        [
            "--DOTNET_LAUNCH_PROFILE=http",
            "--Platform:Infrastructure=local",
            $"--DevServers:KafkaPort={KafkaPort}",
            $"--DevServers:S3Port={S3Port}",
            $"--DevServers:S3Directory={S3Directory}",
            .. TestSettings.Select(setting => $"--ServiceOverrides:{setting}"),
        ]);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));

        _app = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        await _app.StartAsync(startup.Token);
        foreach (var service in Services)
        {
            await _app.ResourceNotifications.WaitForResourceHealthyAsync(service, startup.Token);
        }
    }

    /// <summary>
    /// A client for the gateway, the platform's only public entry point. Each client looks like its own client
    /// address (the gateway trusts X-Forwarded-For from loopback), so per-address rate limits apply per test
    /// client rather than to the whole suite.
    /// </summary>
    public HttpClient CreateGatewayClient(string? clientAddress = null)
    {
        var client = App.CreateHttpClient("gateway", "http");
        client.DefaultRequestHeaders.Add("X-Forwarded-For",
            clientAddress ?? $"198.18.{Random.Shared.Next(0, 256)}.{Random.Shared.Next(1, 255)}");
        return client;
    }

    /// <summary>A client that bypasses the gateway; only for proving what the gateway hides or for dev-server control.</summary>
    public HttpClient CreateDirectClient(string resource) => App.CreateHttpClient(resource, "http");

    public ValueTask<string?> GetConnectionStringAsync(string resource) => App.GetConnectionStringAsync(resource);

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(S3Directory, recursive: true);
        }
        catch (IOException)
        {
            // s3rver may still hold a file for a moment; the temp folder is cleaned by the OS later.
        }
    }

    /// <summary>A free port below the ephemeral range (32768+), where hand-picked ports must stay.</summary>
    private static int FreePort()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(20000, 32000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("No free port found");
    }
}

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
