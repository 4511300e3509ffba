using Confluent.Kafka;

namespace SaasPlatform.Messaging.Kafka;

/// <summary>
/// Kafka client settings: bootstrap servers from <c>ConnectionStrings:kafka</c>, the rest from the <c>Kafka</c>
/// section. Defaults suit the dev broker and a real cluster alike.
/// </summary>
public sealed class KafkaOptions
{
    public const string ConnectionStringName = "kafka";
    public const string SectionName = "Kafka";

    public string BootstrapServers { get; set; } = "";

    public string ClientId { get; set; } = "saas-platform";

    /// <summary>How long the producer keeps retrying one message before failing it back to the relay.</summary>
    public int MessageTimeoutMs { get; set; } = 15_000;

    /// <summary>Short in dev: a rebalance waits about this long (ENVIRONMENT.md).</summary>
    public int SessionTimeoutMs { get; set; } = 6_000;

    /// <summary>Upper bound of reconnect backoff, so clients come back soon after an outage.</summary>
    public int ReconnectBackoffMaxMs { get; set; } = 1_000;

    /// <summary>
    /// Longest a consumer fetch waits for data (<c>fetch.wait.max.ms</c>). A real broker answers as soon as data
    /// arrives, so there this only sets how often an idle consumer asks (raise it, e.g. to 100-500, to save requests).
    /// The librdkafka mock (dev broker) holds every empty fetch for the whole wait and does not answer early when data
    /// arrives, so an event waits up to this long before the worker sees it: librdkafka's 500 ms default made that
    /// most of the commit-to-handled latency; 10 ms keeps it small at about 100 idle fetches a second.
    /// </summary>
    public int FetchWaitMaxMs { get; set; } = 10;

    /// <summary>Partitions of topics created on a real broker.</summary>
    public int Partitions { get; set; } = 3;

    /// <summary>Replication factor of created topics; -1 = the broker's default.</summary>
    public short ReplicationFactor { get; set; } = -1;

    /// <summary>
    /// <c>Plaintext</c> (default), <c>Ssl</c>, <c>SaslPlaintext</c> or <c>SaslSsl</c> (librdkafka's
    /// <c>security.protocol</c>). A broker reachable by anything but the platform's services needs SASL, so that only
    /// they can write events (audit entries included).
    /// </summary>
    public SecurityProtocol SecurityProtocol { get; set; } = SecurityProtocol.Plaintext;

    /// <summary><c>ScramSha512</c> (default), <c>ScramSha256</c> or <c>Plain</c>; used with the SASL protocols.</summary>
    public SaslMechanism SaslMechanism { get; set; } = SaslMechanism.ScramSha512;

    public string? SaslUsername { get; set; }

    /// <summary>A secret: in Kubernetes it comes from the Secret (key <c>kafka-sasl-password</c>), never a ConfigMap.</summary>
    public string? SaslPassword { get; set; }

    /// <summary>PEM of the CA that signed the broker's certificate (TLS protocols); empty: the system's trust store.</summary>
    public string? SslCaPem { get; set; }

    /// <summary>Path of a CA file instead of <see cref="SslCaPem"/> (e.g. a mounted Secret).</summary>
    public string? SslCaLocation { get; set; }

    /// <summary>The idempotent, acks=all producer the outbox relay publishes with (ordered per partition).</summary>
    public ProducerConfig CreateProducerConfig() => Secure(new ProducerConfig
    {
        BootstrapServers = BootstrapServers,
        ClientId = ClientId,
        Acks = Acks.All,
        EnableIdempotence = true,
        MaxInFlight = 5,
        MessageTimeoutMs = MessageTimeoutMs,
        LingerMs = 2,
        ReconnectBackoffMaxMs = ReconnectBackoffMaxMs,
        // Kafka's default murmur2 partitioner, so keys land where Java clients would put them.
        Partitioner = Partitioner.Murmur2Random,
    });

    /// <summary>
    /// A consumer that stores offsets only when told (<c>StoreOffset</c> after an event is handled) and auto-commits
    /// what was stored.
    /// </summary>
    public ConsumerConfig CreateConsumerConfig(string groupId) => Secure(new ConsumerConfig
    {
        BootstrapServers = BootstrapServers,
        ClientId = ClientId,
        GroupId = groupId,
        AutoOffsetReset = AutoOffsetReset.Earliest,
        EnableAutoCommit = true,
        AutoCommitIntervalMs = 1_000,
        EnableAutoOffsetStore = false,
        FetchWaitMaxMs = FetchWaitMaxMs,
        SessionTimeoutMs = SessionTimeoutMs,
        HeartbeatIntervalMs = Math.Max(500, SessionTimeoutMs / 3),
        ReconnectBackoffMaxMs = ReconnectBackoffMaxMs,
        PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
    });

    public AdminClientConfig CreateAdminConfig() => Secure(new AdminClientConfig
    {
        BootstrapServers = BootstrapServers,
        ClientId = ClientId,
        ReconnectBackoffMaxMs = ReconnectBackoffMaxMs,
    });

    /// <summary>The security settings every client shares; SASL and TLS settings only when the protocol uses them.</summary>
    public T Secure<T>(T config) where T : ClientConfig
    {
        config.SecurityProtocol = SecurityProtocol;
        if (SecurityProtocol is SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl)
        {
            config.SaslMechanism = SaslMechanism;
            config.SaslUsername = SaslUsername;
            config.SaslPassword = SaslPassword;
        }

        if (SecurityProtocol is SecurityProtocol.Ssl or SecurityProtocol.SaslSsl)
        {
            if (!string.IsNullOrWhiteSpace(SslCaPem))
            {
                config.SslCaPem = SslCaPem;
            }

            if (!string.IsNullOrWhiteSpace(SslCaLocation))
            {
                config.SslCaLocation = SslCaLocation;
            }
        }

        return config;
    }
}
