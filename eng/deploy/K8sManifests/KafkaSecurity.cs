using k8s.Models;

namespace SaasPlatform.Deploy.K8sManifests;

/// <summary>
/// Kafka client security for the services (<c>Kafka__SecurityProtocol</c>, SASL, CA): chosen in the values file, the
/// credentials and CA taken from the Secret. The in-cluster broker (statefulsets) is PLAINTEXT, reachable only from
/// the services through its NetworkPolicy; SASL and TLS are for an external broker.
/// </summary>
internal static class KafkaSecurity
{
    public const string SaslUsernameKey = "kafka-sasl-username";
    public const string SaslPasswordKey = "kafka-sasl-password";
    public const string CaPemKey = "kafka-ca-pem";

    public static void Apply(WorkloadEnvironment environment, GeneratorOptions options, GenerationReport report)
    {
        var protocol = Normalize(options.Values.GetValueOrDefault(GeneratorOptions.Keys.KafkaSecurityProtocol) ?? "Plaintext");
        var sasl = protocol is "SaslPlaintext" or "SaslSsl";
        var tls = protocol is "Ssl" or "SaslSsl";
        if (protocol != "Plaintext" && options.Infrastructure == InfrastructureMode.StatefulSets)
        {
            throw new InvalidOperationException(
                $"{GeneratorOptions.Keys.KafkaSecurityProtocol}={protocol} needs a broker configured for it: use --infrastructure external (the in-cluster Kafka is PLAINTEXT behind its NetworkPolicy).");
        }

        environment.ConfigData["Kafka__SecurityProtocol"] = protocol;
        if (sasl)
        {
            environment.ConfigData["Kafka__SaslMechanism"] = Normalize(options.Values.GetValueOrDefault(GeneratorOptions.Keys.KafkaSaslMechanism) ?? "ScramSha512");
            environment.Env.Add(FromSecret("Kafka__SaslUsername", SaslUsernameKey, options, report));
            environment.Env.Add(FromSecret("Kafka__SaslPassword", SaslPasswordKey, options, report));
        }

        if (tls)
        {
            environment.Env.Add(FromSecret("Kafka__SslCaPem", CaPemKey, options, report));
        }
    }

    /// <summary><c>SASL_SSL</c>, <c>sasl-ssl</c>, <c>SaslSsl</c> -> <c>SaslSsl</c> (the Confluent.Kafka enum names the services bind).</summary>
    private static string Normalize(string value)
    {
        var compact = value.Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal).ToLowerInvariant();
        return compact switch
        {
            "plaintext" => "Plaintext",
            "ssl" => "Ssl",
            "saslplaintext" => "SaslPlaintext",
            "saslssl" => "SaslSsl",
            "scramsha512" => "ScramSha512",
            "scramsha256" => "ScramSha256",
            "plain" => "Plain",
            _ => throw new InvalidOperationException($"Unknown Kafka security setting '{value}'."),
        };
    }

    private static V1EnvVar FromSecret(string name, string key, GeneratorOptions options, GenerationReport report)
    {
        report.RequireSecret(key);
        return new V1EnvVar
        {
            Name = name,
            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = options.SecretName, Key = key } },
        };
    }
}
