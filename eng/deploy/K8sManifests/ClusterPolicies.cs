using k8s;
using k8s.Models;

namespace SaasPlatform.Deploy.K8sManifests;

/// <summary>
/// What keeps the generated workloads apart and available: NetworkPolicies (ingress denied by default; each workload
/// admits only the workloads whose configuration refers to it, the gateway only the ingress controller) and a
/// PodDisruptionBudget per service.
/// </summary>
internal static class ClusterPolicies
{
    public const string DefaultDenyName = "saasplatform-default-deny-ingress";

    public static IEnumerable<IKubernetesObject> Create(AspireManifest manifest, ValueResolver resolver, GeneratorOptions options)
    {
        var deployed = manifest.Resources
            .Where(r => r.IsProject || (r.IsContainer && options.Infrastructure == InfrastructureMode.StatefulSets))
            .ToList();

        yield return new V1NetworkPolicy
        {
            ApiVersion = "networking.k8s.io/v1",
            Kind = "NetworkPolicy",
            Metadata = new V1ObjectMeta { Name = DefaultDenyName, Labels = new Dictionary<string, string> { [Labels.PartOf] = Labels.Application } },
            Spec = new V1NetworkPolicySpec
            {
                PodSelector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [Labels.PartOf] = Labels.Application } },
                PolicyTypes = ["Ingress"],
            },
        };

        var callers = deployed.ToDictionary(r => r.Name, _ => new SortedSet<string>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var resource in deployed)
        {
            foreach (var target in resolver.ReferencedWorkloads(resource))
            {
                if (callers.TryGetValue(target, out var set))
                {
                    set.Add(resource.Name);
                }
            }
        }

        foreach (var resource in deployed)
        {
            var endpoints = resolver.Endpoints(resource);
            var external = resource.IsProject && endpoints.Any(e => e.External);
            var peers = callers[resource.Name]
                .Select(caller => new V1NetworkPolicyPeer { PodSelector = new V1LabelSelector { MatchLabels = Labels.Selector(caller) } })
                .ToList();
            if (external)
            {
                // The gateway: traffic from the ingress controller only (it is the platform's one public entry point).
                peers.Add(new V1NetworkPolicyPeer
                {
                    NamespaceSelector = new V1LabelSelector
                    {
                        MatchLabels = new Dictionary<string, string> { ["kubernetes.io/metadata.name"] = options.IngressNamespace },
                    },
                });
            }

            if (peers.Count == 0 || endpoints.Count == 0)
            {
                continue; // nobody calls it: the default deny stands
            }

            yield return new V1NetworkPolicy
            {
                ApiVersion = "networking.k8s.io/v1",
                Kind = "NetworkPolicy",
                Metadata = new V1ObjectMeta { Name = $"{resource.Name}-ingress", Labels = Labels.For(resource.Name, resource.IsProject ? "service" : "infrastructure") },
                Spec = new V1NetworkPolicySpec
                {
                    PodSelector = new V1LabelSelector { MatchLabels = Labels.Selector(resource.Name) },
                    PolicyTypes = ["Ingress"],
                    Ingress =
                    [
                        new V1NetworkPolicyIngressRule
                        {
                            FromProperty = peers,
                            Ports = endpoints.Select(e => new V1NetworkPolicyPort { Port = e.TargetPort, Protocol = "TCP" }).ToList(),
                        },
                    ],
                },
            };
        }
    }

    /// <summary>One pod of a service may be evicted at a time (node drains, upgrades): with 2+ replicas one keeps serving.</summary>
    public static V1PodDisruptionBudget DisruptionBudget(string name, Dictionary<string, string> labels) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = new V1ObjectMeta { Name = name, Labels = labels },
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = 1,
            Selector = new V1LabelSelector { MatchLabels = Labels.Selector(name) },
        },
    };
}
