using System.Globalization;

namespace SaasPlatform.AppHost.Infrastructure;

public static class PlatformReplicasExtensions
{
    public const string SettingName = "Platform:Replicas";

    /// <summary>
    /// Runs the service with <c>--Platform:Replicas=N</c> instances (default 1), in local and container mode alike,
    /// behind Aspire's per-endpoint proxy, which spreads connections over them (as a Kubernetes Service would).
    /// Only the platform's services take it; the AppHost's own tools (the dev servers, <c>init</c>) stay single.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPlatformReplicas(this IResourceBuilder<ProjectResource> project)
    {
        var replicas = Count(project.ApplicationBuilder.Configuration);
        if (replicas > 1)
        {
            return project.WithReplicas(replicas);
        }

        if (project.ApplicationBuilder.Configuration.GetValue<bool>(DirectEndpointsSettingName))
        {
            // The service binds its endpoints itself: no development proxy between callers and it.
            foreach (var endpoint in project.Resource.Annotations.OfType<EndpointAnnotation>())
            {
                endpoint.IsProxied = false;
            }
        }

        return project;
    }

    /// <summary>
    /// <c>--Platform:DirectEndpoints=true</c> (one replica only): the services listen on their endpoints' ports
    /// themselves instead of behind DCP's development proxy, one user-space TCP relay per hop that production (a
    /// Kubernetes Service, kube-proxy in the kernel) does not have. For measuring the platform rather than the proxy
    /// (bench/README.md).
    /// </summary>
    public const string DirectEndpointsSettingName = "Platform:DirectEndpoints";

    public static int Count(IConfiguration configuration) => configuration[SettingName] switch
    {
        null or "" => 1,
        var value when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 16 => n,
        var value => throw new InvalidOperationException($"{SettingName} must be a whole number from 1 to 16, not '{value}'"),
    };
}
