using Microsoft.Extensions.Configuration;

namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>
/// The servers the platform depends on, as connection-string resources. Services only ever see connection strings
/// (<c>postgres</c>, <c>kafka</c>, <c>storage</c>, one per database), so they cannot tell containers from stand-ins.
/// </summary>
public sealed class PlatformInfrastructure(
    IResourceBuilder<IResourceWithConnectionString> postgres,
    IResourceBuilder<IResourceWithConnectionString> kafka,
    IResourceBuilder<IResourceWithConnectionString> storage,
    Func<string, IResourceBuilder<IResourceWithConnectionString>> addDatabase)
{
    /// <summary>The PostgreSQL server (no database): where tenant databases are created at run time.</summary>
    public IResourceBuilder<IResourceWithConnectionString> Postgres { get; } = postgres;

    /// <summary>Kafka bootstrap servers.</summary>
    public IResourceBuilder<IResourceWithConnectionString> Kafka { get; } = kafka;

    /// <summary>S3-compatible object storage: endpoint, public endpoint, keys and bucket.</summary>
    public IResourceBuilder<IResourceWithConnectionString> Storage { get; } = storage;

    /// <summary>A database owned by one service, on <see cref="Postgres"/>.</summary>
    public IResourceBuilder<IResourceWithConnectionString> AddDatabase(string name) => addDatabase(name);
}

public static class PlatformInfrastructureExtensions
{
    public const string BucketName = "saas-platform-files";

    /// <summary>
    /// <c>Platform:Infrastructure</c> = <c>containers</c>, <c>local</c> or <c>auto</c> (default): auto takes
    /// containers when publishing or when <c>docker info</c> answers, local stand-ins otherwise.
    /// </summary>
    public static PlatformInfrastructure AddPlatformInfrastructure(this IDistributedApplicationBuilder builder)
    {
        var mode = builder.Configuration["Platform:Infrastructure"] ?? "auto";
        var useContainers = mode switch
        {
            "containers" => true,
            "local" => false,
            _ => builder.ExecutionContext.IsPublishMode || ContainerRuntime.IsHealthy(),
        };

        return useContainers ? ContainerServers.Add(builder) : LocalServers.Add(builder);
    }

    /// <summary>
    /// The ES256 key Identity.Api signs tokens with (PEM). Set <c>Parameters:jwt-signing-key</c> (user-secrets,
    /// environment, Vault in production). A development run without one gets a key for the life of this AppHost,
    /// so tokens survive service restarts but not an AppHost restart.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddJwtSigningKey(this IDistributedApplicationBuilder builder)
    {
        const string name = "jwt-signing-key";
        if (builder.ExecutionContext.IsRunMode && string.IsNullOrEmpty(builder.Configuration[$"Parameters:{name}"]))
        {
            using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            var pem = key.ExportPkcs8PrivateKeyPem();
            return builder.AddParameter(name, () => pem, secret: true);
        }

        return builder.AddParameter(name, secret: true);
    }

    /// <summary>
    /// The key services present on each other's <c>/internal</c> endpoints (<c>InternalApi__Key</c>). Generated when
    /// not set, like the database password; a deployment supplies its own.
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddInternalApiKey(this IDistributedApplicationBuilder builder) =>
        builder.AddParameter("internal-api-key", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
}
