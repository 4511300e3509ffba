namespace SaasPlatform.Deploy.K8sManifests;

/// <summary>Where PostgreSQL, Kafka, MinIO and Vault (the manifest's container resources) come from.</summary>
internal enum InfrastructureMode
{
    /// <summary>Each container resource becomes a StatefulSet with a headless Service: a self-contained cluster.</summary>
    StatefulSets,

    /// <summary>No container resource is deployed; their connection strings come from the Secret.</summary>
    External,
}

internal sealed record GeneratorOptions
{
    public const string DefaultImagePrefix = "saasplatform/";

    public InfrastructureMode Infrastructure { get; init; } = InfrastructureMode.StatefulSets;

    /// <summary>The Secret every secret reference points at; created by the operator, never by this tool.</summary>
    public string SecretName { get; init; } = "saasplatform-secrets";

    /// <summary>Registry the project images are pulled from (kustomize <c>images:</c>); empty: as pushed locally.</summary>
    public string? Registry { get; init; }

    public string Tag { get; init; } = "latest";

    public string? Namespace { get; init; }

    public string? IngressHost { get; init; }

    public string? IngressClass { get; init; }

    /// <summary>A TLS Secret for the Ingress host; none: plain HTTP at the Ingress.</summary>
    public string? IngressTlsSecret { get; init; }

    /// <summary>Replicas of every service (stateless): 2 by default, so a PodDisruptionBudget can keep one serving.</summary>
    public int Replicas { get; init; } = 2;

    /// <summary>The namespace of the ingress controller: the only place the gateway's NetworkPolicy admits traffic from.</summary>
    public string IngressNamespace { get; init; } = "ingress-nginx";

    public string StorageSize { get; init; } = "5Gi";

    /// <summary>
    /// Values that are not secret but not in the manifest either: non-secret parameters (<c>minio-user</c>) and, in
    /// external mode, addresses of external servers by expression (<c>vault.bindings.http.url</c>).
    /// </summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    /// <summary>Values-file keys the generator itself reads (not manifest parameters).</summary>
    public static class Keys
    {
        /// <summary>Comma-separated CIDRs of the ingress controller's pods: the proxies the gateway trusts X-Forwarded-For from. Required.</summary>
        public const string IngressKnownNetworks = "ingress-known-networks";

        /// <summary>Kafka's security protocol for the services: Plaintext (default), Ssl, SaslPlaintext, SaslSsl.</summary>
        public const string KafkaSecurityProtocol = "kafka-security-protocol";

        /// <summary>SASL mechanism with the SASL protocols: ScramSha512 (default), ScramSha256, Plain.</summary>
        public const string KafkaSaslMechanism = "kafka-sasl-mechanism";
    }

    /// <summary>Reads <c>name=value</c> lines; blank lines and <c>#</c> comments are skipped.</summary>
    public static Dictionary<string, string> ReadValuesFile(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException($"{path}: expected name=value, got '{line}'.");
            }

            values[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }

        return values;
    }
}
