using System.Collections.Concurrent;
using System.Diagnostics;
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
/// <see cref="Replicas.ReplicasFixture"/> starts the same platform with two replicas of every service.
/// </summary>
public class PlatformFixture : IAsyncLifetime
{
    public PlatformFixture()
        : this(replicas: 1)
    {
    }

    protected PlatformFixture(int replicas) => Replicas = replicas;

    /// <summary>Instances of every service (<c>--Platform:Replicas</c>).</summary>
    public int Replicas { get; }

    /// <summary>The source address of the nginx proxy the forwarded-header tests start (a configured trusted proxy).</summary>
    public static readonly IPAddress ProxyAddress = IPAddress.Parse("127.0.0.2");

    public static readonly string[] Services = ["identity-api", "tenancy-api", "documents-api", "events-worker", "gateway"];

    /// <summary>
    /// Per-service settings for the test run, as <c>resource:Key:Sub=value</c> (passed through the AppHost's
    /// <c>ServiceOverrides</c>): short timings and raised limits that the tests rely on.
    /// </summary>
    public static readonly string[] TestSettings =
    [
        "gateway:RateLimits:Global:PermitLimit=100000",
        // The suite's shared users create hundreds of tenants; QuotaTests lower the limits for their own users.
        "tenancy-api:Tenants:Quotas:MaxActiveTenantsPerUser=100000",
        "tenancy-api:Tenants:Quotas:MaxCreationsPerHour=100000",
        // Trusted proxies, configured explicitly as production must: the test clients reach the gateway through
        // Aspire's endpoint proxy from 127.0.0.1 and act as their own proxy (X-Forwarded-For spreads them over rate
        // limit buckets); nginx, started by the forwarded-header tests, connects from ProxyAddress. Any other source
        // address (a client binding 127.0.0.x) is not trusted.
        "gateway:ForwardedHeaders:KnownNetworks=127.0.0.1/32,::1/128",
        "gateway:ForwardedHeaders:KnownProxies=127.0.0.2",
        // Documents: a 150 MB upload must fit (gateway and service share the setting); orphans collected in seconds.
        $"gateway:Uploads:MaxFileSizeBytes={UploadLimitBytes}",
        $"documents-api:Uploads:MaxFileSizeBytes={UploadLimitBytes}",
        "events-worker:Files:OrphanGracePeriod=00:00:03",
    ];

    /// <summary>The upload limit of the test run (raised from the default 100 MiB).</summary>
    public const long UploadLimitBytes = 160L * 1024 * 1024;

    private DistributedApplication? _app;
    private readonly ConcurrentDictionary<string, ResourceEvent> _instances = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Stopwatch _lifetime = new();

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

    /// <summary>Further AppHost arguments of a fixture that needs its own servers (see <see cref="Disruption.DisruptionFixture"/>).</summary>
    protected virtual IEnumerable<string> AppHostArguments => [];

    public virtual async Task InitializeAsync()
    {
        _lifetime.Start();
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SaasPlatform_AppHost>(
        [
            "--DOTNET_LAUNCH_PROFILE=http",
            "--Platform:Infrastructure=local",
            $"--DevServers:KafkaPort={KafkaPort}",
            $"--DevServers:S3Port={S3Port}",
            $"--DevServers:S3Directory={S3Directory}",
            $"--DevServers:DatabasePrefix={DatabasePrefix}",
            $"--Parameters:internal-api-key={InternalApiKey}",
            $"--Parameters:postgres-password={DevPostgresPassword.ForThisMachine}",
            $"--Platform:Replicas={Replicas}",
            .. TestSettings.Select(setting => $"--ServiceOverrides:{setting}"),
            .. AppHostArguments,
        ]);
        // Resource logs (every service, PostgreSQL) stay in the dashboard; the test log keeps warnings and errors.
        // Health probes fail by design while resources start (and while tests stop the broker): the test's own
        // wait reports a resource that never becomes healthy, so the probe failures would only bury the results.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("SaasPlatform.AppHost.Resources", LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));

        _app = await builder.BuildAsync();
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(10)); // generous: a loaded 2-core CI machine builds and starts six processes
        // Every instance's latest state (replicas are separate resources in the notifications, one per process).
        _ = Task.Run(async () =>
        {
            await foreach (var update in _app.ResourceNotifications.WatchAsync(_stopping.Token))
            {
                _instances[update.ResourceId] = update;
            }
        });
        await _app.StartAsync(startup.Token);
        foreach (var service in Services)
        {
            await WaitForInstancesHealthyAsync(service, startup.Token);
        }

        Console.WriteLine($"PLATFORM ({Replicas} replica(s) of each service) healthy after {_lifetime.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>Waits until every replica of <paramref name="service"/> reports healthy (a crashed one never does).</summary>
    public async Task WaitForInstancesHealthyAsync(string service, CancellationToken cancellationToken)
    {
        await App.ResourceNotifications.WaitForResourceHealthyAsync(service, cancellationToken);
        while (Instances(service, healthyOnly: true).Count < Replicas)
        {
            await Task.Delay(100, cancellationToken);
        }

        // Aspire probes a resource's health through its endpoint, which spreads requests over the replicas, so a replica
        // can be reported healthy while it is still starting. Ask each one on its own address.
        foreach (var instance in Instances(service))
        {
            using var client = CreateInstanceClient(instance);
            client.Timeout = TimeSpan.FromSeconds(5);
            while (true)
            {
                try
                {
                    using var health = await client.GetAsync("/health", cancellationToken);
                    if (health.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                {
                    // Not listening yet, or too slow to answer.
                }

                await Task.Delay(200, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The running instances of a service, each with its own address: Aspire's endpoint proxy (what
    /// <see cref="CreateDirectClient"/> and service discovery use) spreads connections over them, these bypass it.
    /// The address is the port each replica's Kestrel listens on (its <c>ASPNETCORE_URLS</c>).
    /// </summary>
    public IReadOnlyList<ServiceInstance> Instances(string service, bool healthyOnly = false) =>
        _instances.Values
            .Where(e => e.Resource.Name == service && e.Snapshot.State?.Text == KnownResourceStates.Running)
            .Where(e => !healthyOnly || e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy)
            .Select(e => (e.ResourceId, Url: e.Snapshot.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value))
            .Where(i => i.Url is not null)
            .Select(i => new ServiceInstance(i.ResourceId, new Uri(i.Url!.Split(';')[0].Replace("localhost", "127.0.0.1", StringComparison.Ordinal))))
            .OrderBy(i => i.Id, StringComparer.Ordinal)
            .ToList();

    /// <summary>A client for one instance of a service, optionally connecting from a chosen loopback address.</summary>
    public static HttpClient CreateInstanceClient(ServiceInstance instance, IPAddress? from = null) =>
        new(from is null ? new SocketsHttpHandler() : BoundHandler(from)) { BaseAddress = instance.Address, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A handler whose connections leave from <paramref name="local"/> (loopback has all of 127.0.0.0/8).</summary>
    public static SocketsHttpHandler BoundHandler(IPAddress local) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new Socket(local.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

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

    /// <summary>Everything one instance has written to its console so far (its log lines).</summary>
    public async Task<IReadOnlyList<string>> LogAsync(string instanceId)
    {
        var lines = new List<string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var logs = App.Services.GetRequiredService<ResourceLoggerService>().GetAllAsync(instanceId);
        await foreach (var batch in logs.WithCancellation(timeout.Token))
        {
            lines.AddRange(batch.Select(line => line.Content));
        }

        return lines;
    }

    public ValueTask<string?> GetConnectionStringAsync(string resource) => App.GetConnectionStringAsync(resource);

    public virtual async Task DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_app is not null)
        {
            var server = await _app.GetConnectionStringAsync("postgres");
            await _app.DisposeAsync();
            await DropRunDatabasesAsync(server);
        }

        Console.WriteLine($"PLATFORM ({Replicas} replica(s) of each service) run took {_lifetime.Elapsed.TotalSeconds:0.0} s from start to teardown");

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

    /// <summary>
    /// A free port above the kernel's ephemeral range (32768-60999, where outgoing connections take their ports) and
    /// above the range Aspire gives endpoints it allocates itself (below 32768): a port picked among Aspire's could be
    /// handed to a service replica in the same run (microsoft/dcp#26), "address already in use".
    /// </summary>
    internal static int FreePort(IPAddress? address = null)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(61000, 65000);
            try
            {
                using var listener = new TcpListener(address ?? IPAddress.Loopback, port);
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

/// <summary>One running process of a service and the address it listens on.</summary>
public sealed record ServiceInstance(string Id, Uri Address);

[CollectionDefinition(Name)]
public sealed class PlatformCollection : ICollectionFixture<PlatformFixture>
{
    public const string Name = "platform";
}
