namespace SaasPlatform.AppHost.Infrastructure;

public static class ServiceOverridesExtensions
{
    /// <summary>
    /// Passes <c>ServiceOverrides:&lt;resource&gt;:&lt;key&gt;</c> from the AppHost's configuration to that service as
    /// configuration (environment), e.g. <c>--ServiceOverrides:gateway:RateLimits:Global:PermitLimit=100000</c>.
    /// Tests and benchmarks use it to shorten grace periods or raise limits without editing the services.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceOverrides(this IResourceBuilder<ProjectResource> project)
    {
        var section = project.ApplicationBuilder.Configuration.GetSection($"ServiceOverrides:{project.Resource.Name}");
        foreach (var (key, value) in section.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                project.WithEnvironment(key.Replace(":", "__", StringComparison.Ordinal), value);
            }
        }

        return project;
    }
}
