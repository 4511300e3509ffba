using System.Text;
using k8s.Models;

namespace SaasPlatform.Deploy.K8sManifests;

/// <summary>
/// A workload's environment split the Kubernetes way: plain values go to its ConfigMap (loaded with envFrom),
/// values holding a secret stay in <c>env</c> as <c>secretKeyRef</c>s, or as <c>$(VAR)</c> compositions of them
/// (e.g. a connection string around a password), so no secret value is ever written.
/// </summary>
internal sealed class WorkloadEnvironment
{
    private const string SecretVariablePrefix = "SECRET_";

    public Dictionary<string, string> ConfigData { get; } = new(StringComparer.Ordinal);

    public List<V1EnvVar> Env { get; } = [];

    /// <summary>The container arguments, resolved; secrets in them are <c>$(VAR)</c> references the kubelet expands.</summary>
    public List<string>? Args { get; private set; }

    public static WorkloadEnvironment Build(
        ManifestResource resource, ValueResolver resolver, GeneratorOptions options, GenerationReport report)
    {
        var environment = new WorkloadEnvironment();
        var helpers = new List<V1EnvVar>();
        var composed = new List<V1EnvVar>();

        foreach (var (name, template) in resource.Env)
        {
            if (resolver.ExternalConnectionPropertyOwner(name) is { } owner)
            {
                report.Omit(resource.Name, name, $"a connection property of '{owner}', which is external: its connection string is in the Secret");
                continue;
            }

            ResolvedValue value;
            try
            {
                value = resolver.Resolve(template);
            }
            catch (UnresolvableException ex)
            {
                report.Omit(resource.Name, name, ex.Message);
                continue;
            }
            catch (MissingValueException ex)
            {
                report.Missing(ex.Name);
                continue;
            }

            foreach (var key in value.SecretKeys)
            {
                report.RequireSecret(key);
            }

            if (value.IsLiteral)
            {
                environment.ConfigData[name] = value.Literal;
            }
            else if (value.Parts is [SecretPart only])
            {
                composed.Add(SecretVariable(name, only.Key, options.SecretName));
            }
            else
            {
                composed.Add(new V1EnvVar { Name = name, Value = Compose(value) });
            }
        }

        if (resource.Args.Count > 0)
        {
            environment.Args = [];
            foreach (var template in resource.Args)
            {
                try
                {
                    var value = resolver.Resolve(template);
                    foreach (var key in value.SecretKeys)
                    {
                        report.RequireSecret(key);
                    }

                    environment.Args.Add(Compose(value));
                }
                catch (UnresolvableException ex)
                {
                    throw new InvalidOperationException($"{resource.Name}: argument '{template}' cannot be expressed in the cluster: {ex.Message}", ex);
                }
                catch (MissingValueException ex)
                {
                    report.Missing(ex.Name);
                }
            }
        }

        // $(VAR) only sees variables defined before it.
        environment.Env.AddRange(helpers);
        environment.Env.AddRange(composed);
        return environment;

        // Kubelet syntax: "$(VAR)" expands a variable defined earlier in env, "$$(" is a literal "$(".
        string Compose(ResolvedValue value)
        {
            var text = new StringBuilder();
            foreach (var part in value.Parts)
            {
                switch (part)
                {
                    case LiteralPart literal:
                        text.Append(literal.Text.Replace("$(", "$$(", StringComparison.Ordinal));
                        break;
                    case SecretPart secret:
                        var helper = SecretVariablePrefix + VariableName(secret.Key);
                        if (helpers.All(h => h.Name != helper))
                        {
                            helpers.Add(SecretVariable(helper, secret.Key, options.SecretName));
                        }

                        text.Append("$(").Append(helper).Append(')');
                        break;
                }
            }

            return text.ToString();
        }
    }

    private static V1EnvVar SecretVariable(string name, string key, string secretName) =>
        new()
        {
            Name = name,
            ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secretName, Key = key } },
        };

    private static string VariableName(string key)
    {
        var name = new StringBuilder(key.Length);
        foreach (var c in key)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_');
        }

        return name.ToString();
    }
}
