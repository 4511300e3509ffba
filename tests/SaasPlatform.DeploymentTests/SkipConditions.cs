namespace SaasPlatform.DeploymentTests;

/// <summary>
/// Tests that need a container runtime. xunit 2 has no dynamic skip, so the condition is decided when tests are
/// discovered: without a runtime that answers <c>docker info</c> they are reported as skipped, with this reason.
/// </summary>
public sealed class RequiresContainerRuntimeFactAttribute : FactAttribute
{
    public RequiresContainerRuntimeFactAttribute()
    {
        if (!SkipConditions.ContainerRuntimeAnswers)
        {
            Skip = "No container runtime answers `docker info` on this machine (the official images cannot run here); "
                + "the application-model tests cover the container wiring without one.";
        }
    }
}

/// <summary>Tests that run <c>kubectl kustomize</c>: skipped, with the reason, where kubectl is not installed.</summary>
public sealed class RequiresKubectlTheoryAttribute : TheoryAttribute
{
    public RequiresKubectlTheoryAttribute()
    {
        if (SkipConditions.Kubectl is null)
        {
            Skip = "kubectl is not installed (CI's image has it): `kubectl kustomize` cannot render the output here.";
        }
    }
}

internal static class SkipConditions
{
    // The AppHost's own check, which decides between containers and local stand-ins.
    private static readonly Lazy<bool> Runtime = new(SaasPlatform.AppHost.Infrastructure.ContainerRuntime.IsHealthy);

    public static bool ContainerRuntimeAnswers => Runtime.Value;

    public static string? Kubectl { get; } = Find("kubectl");

    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
