namespace SaasPlatform.Deploy.K8sManifests;

internal static class Labels
{
    public const string Name = "app.kubernetes.io/name";
    public const string PartOf = "app.kubernetes.io/part-of";
    public const string Component = "app.kubernetes.io/component";
    public const string ManagedBy = "app.kubernetes.io/managed-by";
    public const string Application = "saasplatform";

    /// <summary>What a Service selects and a Deployment/StatefulSet matches: stable across re-generations.</summary>
    public static Dictionary<string, string> Selector(string resource) => new()
    {
        [Name] = resource,
        [PartOf] = Application,
    };

    public static Dictionary<string, string> For(string resource, string component) => new(Selector(resource))
    {
        [Component] = component,
        [ManagedBy] = "saasplatform-k8smanifests",
    };
}
