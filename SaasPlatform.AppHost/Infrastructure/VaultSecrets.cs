using System.Net;
using System.Net.Http.Json;
using SaasPlatform.ServiceDefaults;

namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>
/// Vault in dev mode (in memory, KV v2 mounted at <c>secret/</c>), seeded with the platform's secrets once it answers:
/// a development convenience of the container mode only. Each service reads one path, <c>saas-platform/&lt;service&gt;</c>,
/// holding only its own secrets (its database login, never the superuser's). Deployments do not get a Vault: their
/// services read the Kubernetes Secret (docs/decisions/vault-in-deployments.md).
/// </summary>
internal sealed class VaultServerResource(string name, ParameterResource token) : ContainerResource(name)
{
    public const string HttpEndpointName = "http";
    public const string Mount = "secret";

    /// <summary>Parent of the per-service paths.</summary>
    public const string BasePath = "saas-platform";

    /// <summary>Secrets beyond its connection strings one service reads: configuration key -> parameter name.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ServiceSecrets =
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            // The token signing key stays with the issuer; other services validate with the published JWKS.
            [PlatformServices.IdentityApi] = new Dictionary<string, string> { ["Jwt__SigningKey"] = "jwt-signing-key" },
        };

    public ParameterResource Token { get; } = token;

    public EndpointReference HttpEndpoint => new(this, HttpEndpointName);

    public static string PathOf(string service) => $"{BasePath}/{service}";
}

/// <summary>Marks a project that reads its secrets from the development Vault.</summary>
internal sealed class VaultSecretsAnnotation : IResourceAnnotation;

public static class VaultSecretsExtensions
{
    internal static IResourceBuilder<VaultServerResource> AddVaultServer(this IDistributedApplicationBuilder builder, string name)
    {
        var token = builder.AddParameter($"{name}-token", new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);
        var vault = builder.AddResource(new VaultServerResource(name, token.Resource))
            .WithImage("hashicorp/vault", "1.18")
            .WithHttpEndpoint(targetPort: 8200, name: VaultServerResource.HttpEndpointName)
            .WithEnvironment("VAULT_DEV_ROOT_TOKEN_ID", token)
            .WithEnvironment("VAULT_DEV_LISTEN_ADDRESS", "0.0.0.0:8200")
            .WithHttpHealthCheck("/v1/sys/health", endpointName: VaultServerResource.HttpEndpointName);

        // Healthy only once seeded, so services that WaitFor Vault never read it empty.
        var check = $"{name}-seeded";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(check,
            new VaultSeedCheck(vault.Resource, builder.Resources), failureStatus: null, tags: null));
        return vault.WithHealthCheck(check);
    }

    /// <summary>
    /// Points a service at the AppHost's Vault (<c>Vault__Address</c>, <c>Vault__Token</c>, <c>Vault__Path</c>) and waits
    /// for it to be seeded. A no-op without the Vault container (local stand-ins) and when publishing: a deployment
    /// brings its own Vault and its own <c>Vault__*</c> settings.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithVaultSecrets(this IResourceBuilder<ProjectResource> project)
    {
        var app = project.ApplicationBuilder;
        if (!app.ExecutionContext.IsRunMode || app.Resources.OfType<VaultServerResource>().SingleOrDefault() is not { } vault)
        {
            return project;
        }

        return project
            .WithAnnotation(new VaultSecretsAnnotation())
            .WithEnvironment("Vault__Address", vault.HttpEndpoint)
            .WithEnvironment("Vault__Token", app.CreateResourceBuilder(vault.Token))
            .WithEnvironment("Vault__Mount", VaultServerResource.Mount)
            .WithEnvironment("Vault__Path", VaultServerResource.PathOf(project.Resource.Name))
            .WaitFor(app.CreateResourceBuilder(vault));
    }
}

/// <summary>
/// Writes each Vault-reading service's secrets to its own path with KV v2 (<c>POST /v1/secret/data/{path}</c>, body
/// <c>{"data": {...}}</c>) unless already there: its connection strings as the service's environment carries them (so
/// its own database role) and its entries of <see cref="VaultServerResource.ServiceSecrets"/>.
/// </summary>
internal sealed class VaultSeedCheck(VaultServerResource vault, IResourceCollection resources) : IHealthCheck
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var address = (await vault.HttpEndpoint.GetValueAsync(cancellationToken))!.TrimEnd('/');
            var token = (await vault.Token.GetValueAsync(cancellationToken))!;
            var services = resources.OfType<ProjectResource>().Where(p => p.Annotations.OfType<VaultSecretsAnnotation>().Any()).ToList();

            // Dev-mode Vault lives in memory: a restarted container is empty again and gets seeded again. The last
            // path is written last, so its presence means the whole seed is there.
            if (services.Count == 0 || await ExistsAsync(address, token, VaultServerResource.PathOf(services[^1].Name), cancellationToken))
            {
                return HealthCheckResult.Healthy();
            }

            foreach (var service in services)
            {
                await WriteAsync(address, token, VaultServerResource.PathOf(service.Name), await SecretsOfAsync(service, resources, cancellationToken), cancellationToken);
            }

            return HealthCheckResult.Healthy("Seeded");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("Vault is not seeded yet", ex);
        }
    }

    /// <summary>What one service's path holds: only what the service itself is given, nothing of another service.</summary>
    internal static async Task<Dictionary<string, string?>> SecretsOfAsync(ProjectResource service, IResourceCollection resources, CancellationToken cancellationToken)
    {
        var data = new Dictionary<string, string?>();
#pragma warning disable CS0618 // the same resolution the AppHost applies when it starts the service
        var environment = await service.GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run);
#pragma warning restore CS0618
        foreach (var (key, value) in environment.Where(e => e.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)))
        {
            data[key] = value;
        }

        foreach (var (key, parameterName) in VaultServerResource.ServiceSecrets.GetValueOrDefault(service.Name) ?? new Dictionary<string, string>())
        {
            data[key] = await resources.OfType<ParameterResource>().Single(p => p.Name == parameterName).GetValueAsync(cancellationToken);
        }

        return data;
    }

    private static async Task<bool> ExistsAsync(string address, string token, string path, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{address}/v1/{VaultServerResource.Mount}/data/{path}");
        request.Headers.Add("X-Vault-Token", token);
        using var response = await Http.SendAsync(request, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    private static async Task WriteAsync(string address, string token, string path, Dictionary<string, string?> data, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{address}/v1/{VaultServerResource.Mount}/data/{path}")
        {
            Content = JsonContent.Create(new { data }),
        };
        request.Headers.Add("X-Vault-Token", token);
        using var response = await Http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
    }
}
