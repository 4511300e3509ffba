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
        // Lets the Tenancy tests make a provisioning fail (or crash) between creating the database and committing.
        "tenancy-api:Provisioning:FaultInjection=true",
        // Documents: a 150 MB upload must fit (gateway and service share the setting); orphans collected in seconds.
        $"gateway:Uploads:MaxFileSizeBytes={UploadLimitBytes}",
        $"documents-api:Uploads:MaxFileSizeBytes={UploadLimitBytes}",
        "events-worker:Files:OrphanGracePeriod=00:00:03",
    ];

    /// <summary>The upload limit of the test run (raised from the default 100 MiB).</summary>
    public const long UploadLimitBytes = 160L * 1024 * 1024;

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("Platform not started");

    public int KafkaPort { get; } = FreePort();

    public int S3Port { get; } = FreePort();

    public string S3Directory { get; } = Directory.CreateTempSubdirectory("saasplatform-s3-").FullName;

    /// <summary>
    /// This run's own identitydb/tenancydb/eventsdb (dropped at the end): concurrent runs share the PostgreSQL server,
    /// and with shared databases one run's outbox relay would publish another run's events to its own broker.
    /// </summary>
    public string DatabasePrefix { get; } = $"e2e_{Guid.NewGuid().ToString("N")[..8]}_";

    /// <summary>The services' key for each other's <c>/internal</c> endpoints, set for this run (never persisted).</summary>
    public string InternalApiKey { get; } = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24));

    public async Task InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SaasPlatform_AppHost>(
        [
            "--DOTNET_LAUNCH_PROFILE=http",
            "--Platform:Infrastructure=local",
            $"--DevServers:KafkaPort={KafkaPort}",
            $"--DevServers:S3Port={S3Port}",
            $"--DevServers:S3Directory={S3Directory}",
            $"--DevServers:DatabasePrefix={DatabasePrefix}",
            $"--Parameters:internal-api-key={InternalApiKey}",
            .. TestSettings.Select(setting => $"--ServiceOverrides:{setting}"),
        ]);
        // Resource logs (every service, PostgreSQL) stay in the dashboard; the test log keeps warnings and errors.
        // Health probes fail by design while resources start (and while tests stop the broker): the test's own
        // wait reports a resource that never becomes healthy, so the probe failures would only bury the results.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("SaasPlatform.AppHost.Resources", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));

        _app = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(10)); // generous: a loaded 2-core CI machine builds and starts six processes
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

    /// <summary>A direct client that presents the services' internal key, as another service would.</summary>
    public HttpClient CreateInternalClient(string resource)
    {
        var client = CreateDirectClient(resource);
        client.DefaultRequestHeaders.Add("X-Internal-Key", InternalApiKey);
        return client;
    }

    public ValueTask<string?> GetConnectionStringAsync(string resource) => App.GetConnectionStringAsync(resource);

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            var server = await _app.GetConnectionStringAsync("postgres");
            await _app.DisposeAsync();
            await DropRunDatabasesAsync(server);
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

    private async Task DropRunDatabasesAsync(string? serverConnectionString)
    {
        if (serverConnectionString is null)
        {
            return;
        }

        try
        {
            await using var connection = new Npgsql.NpgsqlConnection(serverConnectionString);
            await connection.OpenAsync();
            var names = new List<string>();
            // The run's databases: named with its prefix, or owned by its roles (the tenant databases its provisioner created).
            await using (var list = new Npgsql.NpgsqlCommand(
                "SELECT datname FROM pg_database WHERE starts_with(datname, @prefix) OR starts_with(pg_get_userbyid(datdba), @prefix)", connection))
            {
                list.Parameters.AddWithValue("prefix", DatabasePrefix);
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    names.Add(reader.GetString(0));
                }
            }

            foreach (var name in names)
            {
                // The prefix is ours ([a-z0-9_]), so the quoted name is safe.
                await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }

            // The run's login roles (the AppHost creates them with the same prefix); roles are server-wide.
            var roles = new List<string>();
            await using (var list = new Npgsql.NpgsqlCommand("SELECT rolname FROM pg_roles WHERE starts_with(rolname, @prefix)", connection))
            {
                list.Parameters.AddWithValue("prefix", DatabasePrefix);
                await using var reader = await list.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    roles.Add(reader.GetString(0));
                }
            }

            foreach (var role in roles)
            {
                try
                {
                    await using var drop = new Npgsql.NpgsqlCommand($"DROP ROLE IF EXISTS \"{role}\"", connection);
                    await drop.ExecuteNonQueryAsync();
                }
                catch (Npgsql.PostgresException)
                {
                    // Still owns something (a database that could not be dropped): harmless, like a leftover database.
                }
            }
        }
        catch (Npgsql.NpgsqlException)
        {
            // Best effort: a leftover run database is harmless, only disk.
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
