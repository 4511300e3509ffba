namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>
/// Stand-ins for machines without a container runtime (this one, CI): the apt-installed PostgreSQL, librdkafka's
/// mock cluster hosted by <c>eng/DevBroker</c>, and the npm <c>s3rver</c>. No Vault: secrets come from configuration.
/// Ports are fixed (below the ephemeral range) and overridable under <c>DevServers</c>.
/// </summary>
internal static class LocalServers
{
    public static PlatformInfrastructure Add(IDistributedApplicationBuilder builder, DatabaseRolePasswords passwords)
    {
        var config = builder.Configuration.GetSection("DevServers");
        var repoRoot = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, ".."));

        // Concurrent runs on one PostgreSQL (e2e tests) each get their own databases and roles, or one run's outbox
        // relay would publish another run's events to its own broker, and one run would reset another's role passwords.
        // Empty by default.
        var databasePrefix = config["DatabasePrefix"] ?? "";
        var password = builder.AddParameter("postgres-password",
            new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        var mainPort = config.GetValue("PostgresPort", 5432);
        var postgres = AddPostgres(builder, "postgres", mainPort, cluster: null, repoRoot, databasePrefix, passwords, password, tenantServerOnly: false);
        var kafka = AddKafka(builder, config);
        var storage = AddStorage(builder, config, repoRoot);

        Func<string, ReferenceExpression> LoginAt(int serverPort)
        {
            var port = serverPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return role => ReferenceExpression.Create(
                $"Host=127.0.0.1;Port={port};Username={databasePrefix + role};Password={passwords[role]};SSL Mode=Disable");
        }

        // --Platform:TenantServers=N: more apt clusters, each on its own port (DevServers:TenantServerPorts:pgN, default
        // 5432 + N - 1), created by the script if no cluster listens there (docs/decisions/tenant-placement.md).
        var tenantServers = TenantServerSettings.AdditionalServers(builder.Configuration).Select((name, i) =>
        {
            var port = config.GetValue($"TenantServerPorts:{name}", mainPort + i + 1);
            var server = AddPostgres(builder, $"postgres-{name}", port, cluster: $"saasplatform_{name}", repoRoot, databasePrefix, passwords, password,
                tenantServerOnly: true);
            return new AdditionalTenantServer(name, server, LoginAt(port));
        }).ToList();
        return new PlatformInfrastructure(postgres, kafka, storage, LoginAt(mainPort), databasePrefix, tenantServers);
    }

    private static IResourceBuilder<LocalPostgresResource> AddPostgres(
        IDistributedApplicationBuilder builder, string name, int port, string? cluster, string repoRoot, string databasePrefix,
        DatabaseRolePasswords passwords, IResourceBuilder<ParameterResource> password, bool tenantServerOnly)
    {
        var server = new LocalPostgresResource(name, repoRoot, port, password.Resource);
        var check = $"{name}-ready";
        builder.Services.AddHealthChecks().Add(new(check,
            _ => new PostgresReadyCheck(server.ConnectionStringExpression, databasePrefix, passwords, tenantServerOnly), failureStatus: null, tags: null));

        // The script makes sure the apt cluster runs with this password, then follows its log.
        string[] script = cluster is null
            ? [Path.Combine(repoRoot, "eng", "dev", "postgres.sh"), port.ToString(System.Globalization.CultureInfo.InvariantCulture)]
            : [Path.Combine(repoRoot, "eng", "dev", "postgres.sh"), "--create", cluster, port.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        return builder.AddResource(server)
            .WithArgs(script)
            .WithEnvironment("POSTGRES_PASSWORD", password)
            .WithHealthCheck(check)
            .ExcludeFromManifest();
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddKafka(IDistributedApplicationBuilder builder, IConfiguration config)
    {
        var port = config.GetValue("KafkaPort", 19092);
        var broker = builder.AddProject<Projects.DevBroker>("kafka-dev-broker")
            .WithEnvironment("Kafka__Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .WithHttpHealthCheck("/health")
            .ExcludeFromManifest();

        return builder.AddConnectionString("kafka", ReferenceExpression.Create($"127.0.0.1:{port.ToString(System.Globalization.CultureInfo.InvariantCulture)}"))
            .WithParentRelationship(broker)
            .WaitFor(broker);
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddStorage(
        IDistributedApplicationBuilder builder, IConfiguration config, string repoRoot)
    {
        var port = config.GetValue("S3Port", 19000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var directory = config["S3Directory"] ?? Path.Combine(repoRoot, ".aspire", "s3");
        Directory.CreateDirectory(directory);

        var s3 = builder.AddExecutable("s3-dev-server", "node", repoRoot,
                Path.Combine(repoRoot, "eng", "s3rver", "server.js"),
                "--directory", directory, "--address", "127.0.0.1", "--port", port,
                "--configure-bucket", PlatformInfrastructureExtensions.BucketName)
            // s3rver 3.7 uses a hash OpenSSL 3 retired.
            .WithEnvironment("NODE_OPTIONS", "--openssl-legacy-provider")
            .WithHttpEndpoint(port: int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), name: "http", isProxied: false)
            .WithHttpHealthCheck("/", endpointName: "http")
            .ExcludeFromManifest();

        var endpoint = $"http://127.0.0.1:{port}";
        // s3rver accepts any signature; S3RVER/S3RVER are its documented default keys, not secrets.
        return builder.AddConnectionString("storage", ReferenceExpression.Create(
                $"Endpoint={endpoint};PublicEndpoint={config["S3PublicEndpoint"] ?? endpoint};AccessKey=S3RVER;SecretKey=S3RVER;Bucket={PlatformInfrastructureExtensions.BucketName};Region=us-east-1"))
            .WithParentRelationship(s3)
            .WaitFor(s3);
    }
}

/// <summary>
/// The apt-installed PostgreSQL, run through a script so the dashboard shows it (and its log) as a stand-in. Its
/// connection string is the superuser's: the AppHost bootstraps the roles with it, services never get it.
/// </summary>
internal sealed class LocalPostgresResource(string name, string repoRoot, int port, ParameterResource password)
    : ExecutableResource(name, "bash", repoRoot), IResourceWithConnectionString
{
    public int Port { get; } = port;

    public ParameterResource Password { get; } = password;

    /// <remarks>
    /// <c>SSL Mode=Disable</c>: the stand-in listens on loopback only, where TLS protects nothing and cost about a quarter
    /// of a service's CPU per query. The container/production path (<c>ContainerServers</c>) keeps Npgsql's default.
    /// </remarks>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={Port.ToString(System.Globalization.CultureInfo.InvariantCulture)};Username=postgres;Password={Password};SSL Mode=Disable");
}
