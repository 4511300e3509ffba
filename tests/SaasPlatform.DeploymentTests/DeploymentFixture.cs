using System.Text.Json.Nodes;
using SaasPlatform.Deploy.K8sManifests;

namespace SaasPlatform.DeploymentTests;

/// <summary>
/// Publishes the Aspire manifest once (the AppHost's own publisher, as a process, the way azd runs it), with a
/// sentinel value configured for every secret parameter: neither output may ever contain it.
/// </summary>
public sealed class DeploymentFixture : IAsyncLifetime
{
    public static readonly string[] RolePasswords =
        ["identity-api-db-password", "tenancy-api-db-password", "events-worker-db-password", "tenant-provisioner-db-password", "tenant-data-db-password"];

    public static readonly string[] SecretParameters = ["jwt-signing-key", "internal-api-key", "postgres-password", "minio-password", "smtp-username", "smtp-password", .. RolePasswords];

    public static readonly string[] Projects = ["identity-api", "tenancy-api", "documents-api", "events-worker", "gateway"];

    /// <summary>Vault is a development convenience only: a deployment reads the Kubernetes Secret (deploy/README.md).</summary>
    public static readonly string[] InfrastructureContainers = ["postgres", "kafka", "minio"];

    public string Sentinel { get; } = "sentinel-" + Guid.NewGuid().ToString("N");

    public string RepoRoot { get; } = FindRepoRoot();

    public string WorkDirectory { get; } = Path.Combine(Path.GetTempPath(), "saasplatform-deploy-" + Guid.NewGuid().ToString("N")[..8]);

    public string ManifestPath => Path.Combine(WorkDirectory, "aspire-manifest.json");

    public string ManifestText { get; private set; } = "";

    public JsonObject Resources { get; private set; } = new();

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(WorkDirectory);
        var environment = SecretParameters.ToDictionary(p => $"Parameters__{p}", _ => Sentinel);
        await ManifestPublisher.PublishAsync(
            Path.Combine(RepoRoot, "SaasPlatform.AppHost"), ManifestPath, noBuild: true, TextWriter.Null, environment);
        ManifestText = await File.ReadAllTextAsync(ManifestPath);
        Resources = JsonNode.Parse(ManifestText)!["resources"]!.AsObject();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(WorkDirectory, recursive: true);
        return Task.CompletedTask;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SaasPlatform.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("SaasPlatform.sln not found above the test binaries.");
    }
}

[CollectionDefinition(Name)]
public sealed class DeploymentCollection : ICollectionFixture<DeploymentFixture>
{
    public const string Name = "Deployment";
}
