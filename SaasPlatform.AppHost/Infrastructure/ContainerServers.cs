namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>The path users with Docker take: PostgreSQL through Aspire, Kafka (KRaft), MinIO and Vault as containers.</summary>
internal static class ContainerServers
{
    public static PlatformInfrastructure Add(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres("postgres").WithDataVolume();

        var kafka = builder.AddResource(new KafkaServerResource("kafka"))
            .WithImage("apache/kafka", "3.9.1")
            .WithEndpoint(port: 9092, targetPort: 9092, name: KafkaServerResource.PrimaryEndpointName, scheme: "tcp", isProxied: false)
            .WithEnvironment("KAFKA_NODE_ID", "1")
            .WithEnvironment("KAFKA_PROCESS_ROLES", "broker,controller")
            .WithEnvironment("KAFKA_CONTROLLER_QUORUM_VOTERS", "1@localhost:9093")
            .WithEnvironment("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093,INTERNAL://:29092")
            // Clients get the address they reached the broker by: localhost under Docker, the service name in a cluster.
            .WithEnvironment(context => context.EnvironmentVariables["KAFKA_ADVERTISED_LISTENERS"] = ReferenceExpression.Create(
                $"PLAINTEXT://{((KafkaServerResource)context.Resource!).PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},INTERNAL://kafka:29092"))
            .WithEnvironment("KAFKA_LISTENER_SECURITY_PROTOCOL_MAP", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,INTERNAL:PLAINTEXT")
            .WithEnvironment("KAFKA_CONTROLLER_LISTENER_NAMES", "CONTROLLER")
            .WithEnvironment("KAFKA_INTER_BROKER_LISTENER_NAME", "INTERNAL")
            .WithEnvironment("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
            .WithEnvironment("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true")
            .WithVolume("saasplatform-kafka", "/var/lib/kafka/data");

        var minioUser = builder.AddParameter("minio-user", "minioadmin");
        var minioPassword = builder.AddParameter("minio-password", new GenerateParameterDefault { MinLength = 24, Special = false }, secret: true, persist: true);
        var minio = builder.AddContainer("minio", "minio/minio", "latest")
            .WithArgs("server", "/data", "--console-address", ":9001")
            .WithHttpEndpoint(targetPort: 9000, name: "api")
            .WithHttpEndpoint(targetPort: 9001, name: "console")
            .WithEnvironment("MINIO_ROOT_USER", minioUser)
            .WithEnvironment("MINIO_ROOT_PASSWORD", minioPassword)
            .WithHttpHealthCheck("/minio/health/ready", endpointName: "api")
            .WithVolume("saasplatform-minio", "/data");
        var minioApi = minio.GetEndpoint("api");
        // The bucket is created by Documents.Api at start-up if missing, as it must be against any S3 server.
        var storage = builder.AddConnectionString("storage", ReferenceExpression.Create(
            $"Endpoint={minioApi};PublicEndpoint={minioApi};AccessKey={minioUser};SecretKey={minioPassword};Bucket={PlatformInfrastructureExtensions.BucketName};Region=us-east-1"));

        // Seeded with the platform's secrets once up; services opt in with WithVaultSecrets() (see VaultSecrets.cs).
        builder.AddVaultServer("vault");

        return new PlatformInfrastructure(postgres, kafka, storage, name => postgres.AddDatabase(name));
    }
}

/// <summary>A single-node Kafka in KRaft mode; its connection string is the bootstrap address.</summary>
internal sealed class KafkaServerResource(string name) : ContainerResource(name), IResourceWithConnectionString
{
    public const string PrimaryEndpointName = "tcp";

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)}");
}
