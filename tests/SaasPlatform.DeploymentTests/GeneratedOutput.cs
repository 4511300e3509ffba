using k8s;
using k8s.Models;

namespace SaasPlatform.DeploymentTests;

/// <summary>A generated directory read back the way a cluster would: every YAML document as a Kubernetes model object.</summary>
internal sealed record GeneratedOutput(
    string Directory,
    IReadOnlyList<IKubernetesObject> Objects,
    IReadOnlyList<string> YamlFiles,
    string Kustomization,
    IReadOnlyList<string> KustomizationResources,
    string AllText,
    IReadOnlyList<string> ExpectedSecretKeys)
{
    public IEnumerable<V1Container> Containers =>
        Of<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers)
            .Concat(Of<V1StatefulSet>().SelectMany(s => s.Spec.Template.Spec.Containers));

    public List<T> Of<T>() => Objects.OfType<T>().ToList();

    public V1Container ContainerOf(string workload) => Containers.Single(c => c.Name == workload);

    public static GeneratedOutput Read(string directory, string log)
    {
        var yamlFiles = System.IO.Directory.EnumerateFiles(directory, "*.yaml")
            .Select(Path.GetFileName).Where(f => f != "kustomization.yaml").ToList();
        var texts = yamlFiles.Select(f => File.ReadAllText(Path.Combine(directory, f!))).ToList();
        var objects = texts.SelectMany(t => KubernetesYaml.LoadAllFromString(t)).Cast<IKubernetesObject>().ToList();
        var kustomization = File.ReadAllText(Path.Combine(directory, "kustomization.yaml"));
        var resources = kustomization.Split('\n')
            .SkipWhile(l => l != "resources:").Skip(1).TakeWhile(l => l.StartsWith("- ", StringComparison.Ordinal))
            .Select(l => l[2..].Trim()).ToList();
        // The keys the generator told the operator to put in the Secret (its report, between the header and "for example:").
        var secretKeys = log.Split('\n').SkipWhile(l => !l.Contains("with these keys:", StringComparison.Ordinal)).Skip(1)
            .TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim()).ToList();

        return new GeneratedOutput(directory, objects, yamlFiles!, kustomization, resources, string.Join("\n---\n", texts), secretKeys);
    }
}
