namespace SaasPlatform.Deploy.K8sManifests;

/// <summary>What the operator has to know about a generated directory: the Secret keys it needs, what was left out.</summary>
internal sealed class GenerationReport
{
    private readonly SortedSet<string> _secretKeys = new(StringComparer.Ordinal);
    private readonly List<OmittedVariable> _omitted = [];
    private readonly List<string> _warnings = [];
    private readonly SortedSet<string> _missingValues = new(StringComparer.Ordinal);

    /// <summary>Keys the Secret must hold: secret parameters, and in external mode the servers' connection strings.</summary>
    public IReadOnlyCollection<string> SecretKeys => _secretKeys;

    /// <summary>Environment variables of the manifest not set in the cluster, each with the reason.</summary>
    public IReadOnlyList<OmittedVariable> Omitted => _omitted;

    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Non-secret values the generator needs and was not given (a failure).</summary>
    public IReadOnlyCollection<string> MissingValues => _missingValues;

    public void RequireSecret(string key) => _secretKeys.Add(key);

    public void Omit(string resource, string variable, string reason) => _omitted.Add(new OmittedVariable(resource, variable, reason));

    public void Warn(string message) => _warnings.Add(message);

    public void Missing(string name) => _missingValues.Add(name);
}

internal sealed record OmittedVariable(string Resource, string Variable, string Reason);
