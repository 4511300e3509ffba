namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>
/// The path users with Docker take, and what publishing describes: PostgreSQL through Aspire, Kafka (KRaft) and MinIO
/// as containers wired like the official integrations (Aspire.Hosting.Kafka, CommunityToolkit MinIO), Vault for
/// development runs only. Every resource has a health check, so <c>WaitFor</c> means "reachable".
/// </summary>
internal static class ContainerServers
{
    public const string KafkaImage = "apache/kafka";
    public const string KafkaTag = "3.9.1";
    public const string MinioImage = "minio/minio";
    public const string MinioTag = "RELEASE.2025-04-22T22-12-26Z"; // the CommunityToolkit integration's pin
    public const string KafkaDataTarget = "/var/lib/kafka/data";

    /// <summary>Below the Kubernetes output's 1Gi limit, so the JVM heap plus off-heap never reaches the OOM killer.</summary>
    public const string KafkaHeapOptions = "-Xmx512m -Xms512m";

    public static PlatformInfrastructure Add(IDistributedApplicationBuilder builder, DatabaseRolePasswords passwords)
    {
        var postgresPassword = builder.AddParameter("postgres-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        var (postgres, login) = AddPostgres(builder, "postgres", postgresPassword, passwords, tenantServerOnly: false);

        // --Platform:TenantServers=N: more PostgreSQL containers holding tenant databases only, with the server-wide
        // roles (docs/decisions/tenant-placement.md); the Kubernetes output gets a StatefulSet for each.
        var tenantServers = TenantServerSettings.AdditionalServers(builder.Configuration).Select(name =>
        {
            var (server, login) = AddPostgres(builder, $"postgres-{name}", postgresPassword, passwords, tenantServerOnly: true);
            return new AdditionalTenantServer(name, server, login);
        }).ToList();

        var kafka = AddKafka(builder);
        var storage = AddMinio(builder);

        // Development runs only: a deployment reads its secrets from the Kubernetes Secret (deploy/README.md).
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.AddVaultServer("vault");
        }

        return new PlatformInfrastructure(postgres, kafka, storage, login, databasePrefix: "", tenantServers);
    }

    private static (IResourceBuilder<PostgresServerResource> Server, Func<string, ReferenceExpression> Login) AddPostgres(
        IDistributedApplicationBuilder builder, string name, IResourceBuilder<ParameterResource> postgresPassword, DatabaseRolePasswords passwords,
        bool tenantServerOnly)
    {
        var postgres = builder.AddPostgres(name, password: postgresPassword).WithDataVolume();
        var server = postgres.Resource;
        var roles = $"{server.Name}-roles";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(roles,
            _ => new PostgresReadyCheck(server.ConnectionStringExpression, prefix: "", passwords, tenantServerOnly), failureStatus: null, tags: null));
        postgres.WithHealthCheck(roles);
        if (builder.ExecutionContext.IsPublishMode)
        {
            // What the Kubernetes generator turns into the StatefulSet's init script (eng/deploy/K8sManifests/PostgresInit.cs).
            postgres.WithEnvironment(PostgresInitEnvironment.Roles, DatabaseRoles.Describe(tenantServerOnly));
            foreach (var (role, password) in passwords.All.Where(p => DatabaseRoles.Roles(tenantServerOnly).Any(r => r.Role == p.Role)))
            {
                postgres.WithEnvironment(PostgresInitEnvironment.PasswordVariable(role), password);
            }
        }

        var endpoint = server.PrimaryEndpoint;
        ReferenceExpression Login(string role) => ReferenceExpression.Create(
            $"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)};Username={role};Password={passwords[role]}");
        return (postgres, Login);
    }

    /// <summary>
    /// Listeners as in Aspire.Hosting.Kafka: <c>PLAINTEXT_HOST</c> on the proxied endpoint <c>tcp</c> (target 9092, a host
    /// port allocated per run) for projects on the host, <c>PLAINTEXT_INTERNAL</c> on <c>internal</c> (9093) for
    /// containers and the broker itself; in publish mode both advertise the Service address.
    /// </summary>
    private static IResourceBuilder<KafkaServerResource> AddKafka(IDistributedApplicationBuilder builder)
    {
        var kafka = builder.AddResource(new KafkaServerResource("kafka"))
            .WithImage(KafkaImage, KafkaTag)
            .WithImageRegistry("docker.io")
            .WithEndpoint(targetPort: 9092, name: KafkaServerResource.PrimaryEndpointName, scheme: "tcp")
            .WithEndpoint(targetPort: 9093, name: KafkaServerResource.InternalEndpointName, scheme: "tcp")
            .WithEnvironment("KAFKA_NODE_ID", "1")
            .WithEnvironment("KAFKA_PROCESS_ROLES", "broker,controller")
            .WithEnvironment("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9094")
            .WithEnvironment("KAFKA_LISTENERS", "PLAINTEXT_HOST://0.0.0.0:9092,PLAINTEXT_INTERNAL://0.0.0.0:9093,CONTROLLER://localhost:9094")
            .WithEnvironment("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT_HOST:PLAINTEXT,PLAINTEXT_INTERNAL:PLAINTEXT,CONTROLLER:PLAINTEXT")
            .WithEnvironment("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
            .WithEnvironment("KAFKA_INTER_BROKER_LISTENER_NAME", "PLAINTEXT_INTERNAL")
            .WithEnvironment(context =>
            {
                var resource = (KafkaServerResource)context.Resource!;
                // The host's view of the proxied port, whatever network the container's own environment resolves in.
                var host = new EndpointReference(resource, KafkaServerResource.PrimaryEndpointName, KnownNetworkIdentifiers.LocalhostNetwork);
                var @internal = resource.InternalEndpoint;
                context.EnvironmentVariables["KAFKA_ADVERTISED_LISTENERS"] = context.ExecutionContext.IsRunMode
                    // Projects on the host reach the proxy on localhost; containers reach the broker by its resource name
                    // on the Aspire container network (as Aspire.Hosting.Kafka does).
                    ? ReferenceExpression.Create($"PLAINTEXT_HOST://localhost:{host.Property(EndpointProperty.Port)},PLAINTEXT_INTERNAL://{resource.Name}:{@internal.Property(EndpointProperty.TargetPort)}")
                    : ReferenceExpression.Create($"PLAINTEXT_HOST://{host.Property(EndpointProperty.HostAndPort)},PLAINTEXT_INTERNAL://{@internal.Property(EndpointProperty.HostAndPort)}");
            })
            .WithEnvironment("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
            .WithEnvironment("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
            .WithEnvironment("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1")
            .WithEnvironment("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true")
            .WithEnvironment("KAFKA_HEAP_OPTS", KafkaHeapOptions)
            // A subdirectory of the volume: a fresh ext4 PersistentVolume has lost+found at its root, which Kafka refuses
            // as a log directory ("not in the form of topic-partition").
            .WithEnvironment("KAFKA_LOG_DIRS", KafkaDataTarget + "/logs")
            .WithVolume("saasplatform-kafka", KafkaDataTarget);

        var check = "kafka-metadata";
        var resource = kafka.Resource;
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(check,
            _ => new KafkaReadyCheck(resource.ConnectionStringExpression), failureStatus: null, tags: null));
        return kafka.WithHealthCheck(check);
    }

    /// <summary>MinIO as CommunityToolkit.Aspire.Hosting.Minio adds it: API <c>http</c> 9000, console 9001, <c>/data</c> on a volume.</summary>
    private static IResourceBuilder<IResourceWithConnectionString> AddMinio(IDistributedApplicationBuilder builder)
    {
        var minioUser = builder.AddParameter("minio-user", "minioadmin");
        var minioPassword = builder.AddParameter("minio-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        var minio = builder.AddContainer("minio", MinioImage, MinioTag)
            .WithImageRegistry("docker.io")
            .WithArgs("server", "/data", "--console-address", ":9001")
            .WithHttpEndpoint(targetPort: 9000, name: "http")
            .WithHttpEndpoint(targetPort: 9001, name: "console")
            .WithEnvironment("MINIO_ROOT_USER", minioUser)
            .WithEnvironment("MINIO_ROOT_PASSWORD", minioPassword)
            .WithHttpHealthCheck("/minio/health/ready", endpointName: "http")
            .WithVolume("saasplatform-minio", "/data");
        var api = minio.GetEndpoint("http");

        // Presigned URLs are signed for PublicEndpoint, the address clients use: under Docker the API's host URL; in a
        // deployment the parameter storage-public-endpoint (an Ingress or load balancer in front of MinIO).
        ReferenceExpression publicEndpoint = builder.ExecutionContext.IsPublishMode
            ? ReferenceExpression.Create($"{builder.AddParameter("storage-public-endpoint").Resource}")
            : ReferenceExpression.Create($"{api}");

        // The bucket is created by Documents.Api at start-up if missing, as it must be against any S3 server.
        return builder.AddConnectionString("storage", ReferenceExpression.Create(
                $"Endpoint={api};PublicEndpoint={publicEndpoint};AccessKey={minioUser};SecretKey={minioPassword};Bucket={PlatformInfrastructureExtensions.BucketName};Region=us-east-1"))
            .WithParentRelationship(minio)
            .WaitFor(minio);
    }
}

/// <summary>A single-node Kafka in KRaft mode; its connection string is the host listener's address.</summary>
internal sealed class KafkaServerResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";
    public const string InternalEndpointName = "internal";

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public EndpointReference InternalEndpoint => new(this, InternalEndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}

/// <summary>The environment the Kubernetes generator reads from the published postgres container to write its init script.</summary>
public static class PostgresInitEnvironment
{
    /// <summary><c>role:database</c>, <c>role:+createdb</c> or <c>role</c>, comma-separated.</summary>
    public const string Roles = "SAASPLATFORM_DB_ROLES";

    public static string PasswordVariable(string role) => $"SAASPLATFORM_DB_PASSWORD_{role.ToUpperInvariant()}";
}
