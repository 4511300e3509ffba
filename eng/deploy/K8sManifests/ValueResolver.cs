using System.Text;

namespace SaasPlatform.Deploy.K8sManifests;

/// <summary>A piece of a resolved manifest value: literal text, or a key of the platform Secret.</summary>
internal abstract record ValuePart;

internal sealed record LiteralPart(string Text) : ValuePart;

internal sealed record SecretPart(string Key) : ValuePart;

/// <summary>A manifest value resolved for the cluster: a concatenation of literals and Secret references.</summary>
internal sealed record ResolvedValue(IReadOnlyList<ValuePart> Parts)
{
    public bool IsLiteral => Parts.All(p => p is LiteralPart);

    public string Literal => string.Concat(Parts.Cast<LiteralPart>().Select(p => p.Text));

    public IEnumerable<string> SecretKeys => Parts.OfType<SecretPart>().Select(p => p.Key);

    public static ResolvedValue Of(string text) => new([new LiteralPart(text)]);

    public static ResolvedValue Secret(string key) => new([new SecretPart(key)]);
}

/// <summary>The value cannot be expressed in the cluster (an https endpoint of a project, a transformed secret, ...).</summary>
internal sealed class UnresolvableException(string reason) : Exception(reason);

/// <summary>A value the operator has to supply (a non-secret parameter without a default).</summary>
internal sealed class MissingValueException(string name) : Exception($"no value for '{name}'")
{
    public string Name { get; } = name;
}

/// <summary>
/// Resolves manifest expressions (<c>{identity-api.bindings.http.url}</c>, <c>{postgres.connectionString}</c>,
/// <c>{jwt-signing-key.value}</c>) to in-cluster values: service DNS names and ports for bindings, Secret keys for
/// secret parameters. Secret values are never known here: the manifest only holds their names.
/// </summary>
internal sealed class ValueResolver(AspireManifest manifest, GeneratorOptions options)
{
    /// <summary>The port a project listens on in its container (the .NET images' default).</summary>
    public const int ProjectHttpPort = 8080;

    private const int MaxDepth = 16;

    public static string ConnectionStringKey(string resource) => $"{resource}-connection-string";

    public ResolvedValue Resolve(string template) => Resolve(template, 0);

    /// <summary>True when a container resource runs outside the cluster (external mode).</summary>
    public bool IsExternal(ManifestResource resource) =>
        resource.IsContainer && options.Infrastructure == InfrastructureMode.External;

    /// <summary>The endpoints a workload exposes in the cluster; project https endpoints are not (TLS ends at the Ingress).</summary>
    public IReadOnlyList<ClusterEndpoint> Endpoints(ManifestResource resource)
    {
        var endpoints = new List<ClusterEndpoint>();
        var nextProjectPort = ProjectHttpPort;
        foreach (var binding in resource.Bindings)
        {
            if (resource.IsProject)
            {
                if (binding.Scheme == "https")
                {
                    continue;
                }

                var port = binding.TargetPort ?? nextProjectPort++;
                endpoints.Add(new ClusterEndpoint(binding.Name, binding.Scheme, port, port, binding.External));
            }
            else
            {
                var target = binding.TargetPort ?? binding.Port
                    ?? throw new UnresolvableException($"binding '{resource.Name}.{binding.Name}' has no port");
                endpoints.Add(new ClusterEndpoint(binding.Name, binding.Scheme, binding.Port ?? target, target, binding.External));
            }
        }

        return endpoints;
    }

    /// <summary>
    /// In external mode, the resource whose connection property (Aspire's <c>IDENTITYDB_HOST</c>, <c>POSTGRES_PASSWORD</c>,
    /// ... next to <c>ConnectionStrings__identitydb</c>) this variable is, when that resource is external: such a
    /// server is described by its connection string alone.
    /// </summary>
    public string? ExternalConnectionPropertyOwner(string variable)
    {
        if (options.Infrastructure != InfrastructureMode.External)
        {
            return null;
        }

        foreach (var resource in manifest.Resources)
        {
            var prefix = resource.Name.ToUpperInvariant().Replace('-', '_') + "_";
            if (variable.StartsWith(prefix, StringComparison.Ordinal) && resource.ConnectionString is { } cs
                && (IsExternal(resource) || DependsOnExternal(cs, 0)))
            {
                return resource.Name;
            }
        }

        return null;
    }

    /// <summary>
    /// The deployed workloads (projects, containers) a resource's environment and arguments refer to, directly or
    /// through connection strings and values: whom its pods open connections to (the NetworkPolicies' "from").
    /// </summary>
    public IReadOnlySet<string> ReferencedWorkloads(ManifestResource resource)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var template in resource.Env.Select(e => e.Value).Concat(resource.Args))
        {
            Visit(template, 0);
        }

        found.Remove(resource.Name);
        return found;

        void Visit(string template, int depth)
        {
            if (depth > MaxDepth)
            {
                return;
            }

            foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(template, @"\{([^{}.]+)\."))
            {
                if (manifest.Find(match.Groups[1].Value) is not { } referenced || !seen.Add(referenced.Name))
                {
                    continue;
                }

                if (referenced.IsProject || referenced.IsContainer)
                {
                    found.Add(referenced.Name);
                }
                else
                {
                    foreach (var inner in new[] { referenced.ConnectionString, referenced.Value })
                    {
                        if (inner is not null)
                        {
                            Visit(inner, depth + 1);
                        }
                    }
                }
            }
        }
    }

    private ResolvedValue Resolve(string template, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new UnresolvableException("expressions nest too deeply (a cycle?)");
        }

        var parts = new List<ValuePart>();
        var literal = new StringBuilder();
        for (var i = 0; i < template.Length; i++)
        {
            var c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                literal.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                literal.Append('}');
                i++;
            }
            else if (c == '{')
            {
                var end = template.IndexOf('}', i + 1);
                if (end < 0)
                {
                    throw new UnresolvableException($"unterminated expression in '{template}'");
                }

                foreach (var part in ResolveExpression(template[(i + 1)..end], depth).Parts)
                {
                    if (part is LiteralPart text)
                    {
                        literal.Append(text.Text);
                    }
                    else
                    {
                        Flush();
                        parts.Add(part);
                    }
                }

                i = end;
            }
            else
            {
                literal.Append(c);
            }
        }

        Flush();
        return new ResolvedValue(parts);

        void Flush()
        {
            if (literal.Length > 0)
            {
                parts.Add(new LiteralPart(literal.ToString()));
                literal.Clear();
            }
        }
    }

    private ResolvedValue ResolveExpression(string expression, int depth)
    {
        var path = expression.Split('.');
        var resource = manifest.Get(path[0]);
        return path[1..] switch
        {
            ["connectionString"] => ResolveConnectionString(resource, depth),
            ["value"] or ["inputs", "value"] => ResolveResourceValue(resource, depth),
            ["bindings", var binding, var property] => ResolveBinding(resource, binding, property),
            _ => throw new UnresolvableException($"unsupported expression '{{{expression}}}'"),
        };
    }

    private ResolvedValue ResolveConnectionString(ManifestResource resource, int depth)
    {
        // An external server's connection string carries its credentials: the operator puts it in the Secret.
        if (IsExternal(resource))
        {
            return ResolvedValue.Secret(ConnectionStringKey(resource.Name));
        }

        var connectionString = resource.ConnectionString
            ?? throw new UnresolvableException($"'{resource.Name}' has no connection string");
        try
        {
            return Resolve(connectionString, depth + 1);
        }
        catch (UnresolvableException) when (options.Infrastructure == InfrastructureMode.External && DependsOnExternal(connectionString, depth))
        {
            // e.g. storage = "Endpoint={minio.bindings.api.url};...": built from an external server's address.
            return ResolvedValue.Secret(ConnectionStringKey(resource.Name));
        }
    }

    private ResolvedValue ResolveResourceValue(ManifestResource resource, int depth)
    {
        if (resource.IsParameter)
        {
            if (resource.IsSecretParameter)
            {
                return ResolvedValue.Secret(resource.Name);
            }

            return ResolvedValue.Of(options.Values.GetValueOrDefault(resource.Name)
                ?? resource.ParameterDefault
                ?? throw new MissingValueException(resource.Name));
        }

        if (resource.Type == "annotated.string")
        {
            var inner = Resolve(resource.Value ?? "", depth + 1);
            var filter = resource.Json.TryGetProperty("filter", out var f) ? f.GetString() : null;
            if (!inner.IsLiteral)
            {
                // Kubernetes can only splice a Secret value in verbatim, not transform it.
                throw new UnresolvableException($"'{resource.Name}' is a secret transformed by '{filter}'");
            }

            return filter switch
            {
                "uri" => ResolvedValue.Of(Uri.EscapeDataString(inner.Literal)),
                null => inner,
                _ => throw new UnresolvableException($"unknown filter '{filter}' on '{resource.Name}'"),
            };
        }

        if (resource.Value is { } value)
        {
            return Resolve(value, depth + 1);
        }

        if (resource.ConnectionString is not null)
        {
            return ResolveConnectionString(resource, depth);
        }

        throw new UnresolvableException($"'{resource.Name}' ({resource.Type}) has no value");
    }

    private ResolvedValue ResolveBinding(ManifestResource resource, string bindingName, string property)
    {
        var key = $"{resource.Name}.bindings.{bindingName}.{property}";
        if (options.Values.TryGetValue(key, out var overridden))
        {
            return ResolvedValue.Of(overridden);
        }

        if (IsExternal(resource))
        {
            throw new UnresolvableException($"'{resource.Name}' is external (set {key} in the values file to use it)");
        }

        if (!resource.IsProject && !resource.IsContainer)
        {
            throw new UnresolvableException($"'{resource.Name}' ({resource.Type}) is not deployed");
        }

        if (resource.Bindings.All(b => b.Name != bindingName))
        {
            throw new UnresolvableException($"'{resource.Name}' has no binding '{bindingName}'");
        }

        var endpoint = Endpoints(resource).FirstOrDefault(e => e.Name == bindingName)
            ?? throw new UnresolvableException($"'{resource.Name}.{bindingName}' is not exposed in the cluster (TLS ends at the Ingress)");

        // The Service is named after the resource, so its DNS name in the namespace is the resource name.
        var host = resource.Name;
        var text = property switch
        {
            "host" => host,
            "port" => endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "targetPort" => endpoint.TargetPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "scheme" => endpoint.Scheme,
            "hostAndPort" => $"{host}:{endpoint.Port}",
            "url" => $"{endpoint.Scheme}://{host}:{endpoint.Port}",
            _ => throw new UnresolvableException($"unsupported binding property '{property}'"),
        };
        return ResolvedValue.Of(text);
    }

    private bool DependsOnExternal(string template, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(template, @"\{([^{}]+)\}"))
        {
            var path = match.Groups[1].Value.Split('.');
            if (manifest.Find(path[0]) is not { } referenced)
            {
                continue;
            }

            if (IsExternal(referenced)
                || (referenced.ConnectionString is { } cs && DependsOnExternal(cs, depth + 1))
                || (referenced.Value is { } v && DependsOnExternal(v, depth + 1)))
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>A port a workload serves in the cluster: the Service port and the container port behind it.</summary>
internal sealed record ClusterEndpoint(string Name, string Scheme, int Port, int TargetPort, bool External);
