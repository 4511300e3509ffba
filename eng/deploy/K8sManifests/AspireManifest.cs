using System.Text.Json;

namespace SaasPlatform.Deploy.K8sManifests;

/// <summary>
/// The Aspire manifest (<c>aspire-manifest.json</c>) as the generator needs it: resources by name, in manifest order.
/// Only the fields Kubernetes can use are read; anything else stays in <see cref="ManifestResource.Json"/>.
/// </summary>
internal sealed class AspireManifest
{
    private readonly Dictionary<string, ManifestResource> _resources;

    private AspireManifest(List<ManifestResource> resources)
    {
        Resources = resources;
        _resources = resources.ToDictionary(r => r.Name, StringComparer.Ordinal);
    }

    public IReadOnlyList<ManifestResource> Resources { get; }

    public static AspireManifest Load(string path) => Parse(File.ReadAllText(path));

    public static AspireManifest Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (!document.RootElement.TryGetProperty("resources", out var resources) || resources.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("Not an Aspire manifest: no \"resources\" object.");
        }

        return new AspireManifest(resources.EnumerateObject()
            .Select(p => new ManifestResource(p.Name, p.Value.Clone()))
            .ToList());
    }

    public ManifestResource? Find(string name) => _resources.GetValueOrDefault(name);

    public ManifestResource Get(string name) =>
        Find(name) ?? throw new UnresolvableException($"the manifest has no resource '{name}'");
}

internal sealed class ManifestResource(string name, JsonElement json)
{
    public string Name { get; } = name;

    public JsonElement Json { get; } = json;

    public string Type { get; } = json.TryGetProperty("type", out var t) ? t.GetString() ?? "" : "";

    public bool IsProject => Type.StartsWith("project.", StringComparison.Ordinal);

    public bool IsContainer => Type.StartsWith("container.", StringComparison.Ordinal);

    public bool IsParameter => Type.StartsWith("parameter.", StringComparison.Ordinal);

    public string? ConnectionString => String("connectionString");

    public string? Value => String("value");

    public string? Image => String("image");

    public string? Entrypoint => String("entrypoint");

    /// <summary>A parameter marked secret in its inputs: its value never leaves the cluster's Secret.</summary>
    public bool IsSecretParameter =>
        IsParameter && Json.TryGetProperty("inputs", out var inputs)
        && inputs.TryGetProperty("value", out var value)
        && value.TryGetProperty("secret", out var secret) && secret.ValueKind == JsonValueKind.True;

    /// <summary>A parameter's fixed default (<c>inputs.value.default.value</c>), if it has one.</summary>
    public string? ParameterDefault =>
        Json.TryGetProperty("inputs", out var inputs)
        && inputs.TryGetProperty("value", out var value)
        && value.TryGetProperty("default", out var @default)
        && @default.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    public IReadOnlyList<KeyValuePair<string, string>> Env =>
        Json.TryGetProperty("env", out var env) && env.ValueKind == JsonValueKind.Object
            ? env.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.ToString())).ToList()
            : [];

    public IReadOnlyList<string> Args =>
        Json.TryGetProperty("args", out var args) && args.ValueKind == JsonValueKind.Array
            ? args.EnumerateArray().Select(a => a.ToString()).ToList()
            : [];

    public IReadOnlyList<ManifestVolume> Volumes =>
        Json.TryGetProperty("volumes", out var volumes) && volumes.ValueKind == JsonValueKind.Array
            ? volumes.EnumerateArray().Select(v => new ManifestVolume(
                v.TryGetProperty("name", out var n) ? n.GetString() : null,
                v.GetProperty("target").GetString()!,
                v.TryGetProperty("readOnly", out var ro) && ro.ValueKind == JsonValueKind.True)).ToList()
            : [];

    public bool HasBindMounts => Json.TryGetProperty("bindMounts", out var b) && b.ValueKind == JsonValueKind.Array && b.GetArrayLength() > 0;

    public IReadOnlyList<ManifestBinding> Bindings =>
        Json.TryGetProperty("bindings", out var bindings) && bindings.ValueKind == JsonValueKind.Object
            ? bindings.EnumerateObject().Select(p => new ManifestBinding(
                p.Name,
                p.Value.TryGetProperty("scheme", out var s) ? s.GetString() ?? "tcp" : "tcp",
                p.Value.TryGetProperty("port", out var port) ? port.GetInt32() : null,
                p.Value.TryGetProperty("targetPort", out var target) ? target.GetInt32() : null,
                p.Value.TryGetProperty("external", out var ext) && ext.ValueKind == JsonValueKind.True)).ToList()
            : [];

    private string? String(string property) =>
        Json.TryGetProperty(property, out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
}

internal sealed record ManifestBinding(string Name, string Scheme, int? Port, int? TargetPort, bool External);

internal sealed record ManifestVolume(string? Name, string Target, bool ReadOnly);
