using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SaasPlatform.AppHost.Infrastructure;
using SaasPlatform.ServiceDefaults.Configuration;
using SaasPlatform.UnitTests.ServiceDefaults;

namespace SaasPlatform.DeploymentTests;

/// <summary>
/// The development Vault (container mode): the AppHost's seeding against the fake KV v2 server, then each service's
/// own configuration provider reading what it was pointed at. Deployments have no Vault (the Kubernetes Secret is
/// their source; see deploy/README.md), so the per-service split is what keeps development honest.
/// </summary>
public sealed class VaultSeedingTests
{
    [Fact]
    public async Task Each_service_reads_a_path_of_its_own_holding_only_its_own_logins()
    {
        await using var vault = await FakeVault.StartAsync();
        vault.IssueToken("pw-vault"); // the dev-mode root token the AppHost passes
        await using var model = await AppHostModelTests.BuildAsync("containers");
        var server = (VaultServerResource)model.Resource("vault");
        var endpoint = server.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == VaultServerResource.HttpEndpointName);
        endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, "127.0.0.1", vault.Address.Port);

        var result = await new VaultSeedCheck(server, model.App.Resources).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(
            ["saas-platform/documents-api", "saas-platform/events-worker", "saas-platform/identity-api", "saas-platform/tenancy-api"],
            vault.Paths.Order(StringComparer.Ordinal));
        Assert.All(vault.Paths, path => Assert.DoesNotContain("Username=postgres;", vault.Get(path)!.ToJsonString(), StringComparison.Ordinal));
        Assert.NotNull(vault.Get("saas-platform/identity-api")!["Jwt__SigningKey"]);
        Assert.Null(vault.Get("saas-platform/documents-api")!["Jwt__SigningKey"]); // the signing key stays with the issuer
        Assert.Null(vault.Get("saas-platform/documents-api")!["ConnectionStrings__identitydb"]);

        // The service's own provider, configured as the AppHost configures it, reads its login and nothing else.
        var documents = await model.EnvironmentAsync("documents-api");
        var configuration = new ConfigurationBuilder().AddVault(new VaultOptions
        {
            Address = new Uri($"http://127.0.0.1:{vault.Address.Port}"),
            Token = documents["Vault__Token"],
            Mount = documents["Vault__Mount"],
            Path = documents["Vault__Path"],
        }).Build();
        Assert.Equal("saas-platform/documents-api", documents["Vault__Path"]);
        Assert.Contains("Username=tenant_data;", configuration["ConnectionStrings:postgres"], StringComparison.Ordinal);
        Assert.Null(configuration["ConnectionStrings:tenancydb"]);
        Assert.Null(configuration["Jwt:SigningKey"]);

        // Seeded once: a second check finds the last path and writes nothing.
        var reads = vault.Reads;
        Assert.Equal(HealthStatus.Healthy, (await new VaultSeedCheck(server, model.App.Resources).CheckHealthAsync(new HealthCheckContext())).Status);
        Assert.Equal(reads + 1, vault.Reads);
    }
}
