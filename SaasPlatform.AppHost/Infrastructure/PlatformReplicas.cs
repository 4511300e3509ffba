using System.Globalization;
using Microsoft.Extensions.Configuration;

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
        return replicas == 1 ? project : project.WithReplicas(replicas);
    }

    public static int Count(IConfiguration configuration) => configuration[SettingName] switch
    {
        null or "" => 1,
        var value when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 16 => n,
        var value => throw new InvalidOperationException($"{SettingName} must be a whole number from 1 to 16, not '{value}'"),
    };
}
