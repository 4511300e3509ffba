using System.Text.Json.Nodes;

namespace SaasPlatform.DeploymentTests;

/// <summary>The manifest azd reads: every resource, with bindings, environment and references; secrets as parameters.</summary>
[Collection(DeploymentCollection.Name)]
public sealed class AspireManifestTests(DeploymentFixture fixture)
{
    [Fact]
    public void Lists_every_resource_of_the_application_model()
    {
        string[] expected =
        [
            .. DeploymentFixture.Projects, .. DeploymentFixture.InfrastructureContainers, .. DeploymentFixture.SecretParameters,
            "storage", "identitydb", "tenancydb", "eventsdb", "minio-user", "storage-public-endpoint",
            "postgres-tenant-provisioner", "postgres-tenant-data",
        ];

        Assert.All(expected, name => Assert.True(fixture.Resources.ContainsKey(name), $"'{name}' missing from the manifest"));
        Assert.All(DeploymentFixture.Projects, name => Assert.StartsWith("project.", Type(name)));
        Assert.All(DeploymentFixture.InfrastructureContainers, name => Assert.StartsWith("container.", Type(name)));
        // Stand-ins for machines without Docker never reach a deployment.
        Assert.DoesNotContain("kafka-dev-broker", fixture.Resources.Select(r => r.Key));
        Assert.DoesNotContain("s3-dev-server", fixture.Resources.Select(r => r.Key));
        Assert.DoesNotContain("vault", fixture.Resources.Select(r => r.Key));
    }

    [Fact]
    public void Projects_carry_their_bindings_environment_and_references()
    {
        foreach (var name in DeploymentFixture.Projects)
        {
            var resource = fixture.Resources[name]!;
            Assert.Equal("http", (string?)resource["bindings"]?["http"]?["scheme"]);
            Assert.Equal($"{{{name}.bindings.http.targetPort}}", (string?)resource["env"]?["HTTP_PORTS"]);
        }

        Assert.Equal("{identitydb.connectionString}", Env("identity-api", "ConnectionStrings__identitydb"));
        Assert.Equal("{kafka.connectionString}", Env("identity-api", "ConnectionStrings__kafka"));
        Assert.Equal("{tenancy-api.bindings.http.url}", Env("identity-api", "services__tenancy-api__http__0"));
        Assert.Equal("{postgres-tenant-provisioner.connectionString}", Env("tenancy-api", "ConnectionStrings__postgres"));
        Assert.Equal("{postgres-tenant-data.connectionString}", Env("documents-api", "ConnectionStrings__postgres"));
        Assert.Equal("{postgres-tenant-data.connectionString}", Env("events-worker", "ConnectionStrings__postgres"));
        // No service is given the superuser's server connection string.
        Assert.All(DeploymentFixture.Projects, p => Assert.DoesNotContain("{postgres.connectionString}", fixture.Resources[p]!["env"]!.ToJsonString(), StringComparison.Ordinal));
        Assert.Equal("{storage.connectionString}", Env("documents-api", "ConnectionStrings__storage"));
        Assert.Equal("{eventsdb.connectionString}", Env("events-worker", "ConnectionStrings__eventsdb"));
        foreach (var service in (string[])["identity-api", "tenancy-api", "documents-api"])
        {
            Assert.Equal($"{{{service}.bindings.http.url}}", Env("gateway", $"services__{service}__http__0"));
        }

        // Only the gateway is reachable from outside.
        Assert.Equal(true, (bool?)fixture.Resources["gateway"]!["bindings"]!["http"]!["external"]);
        Assert.All(DeploymentFixture.Projects.Where(p => p != "gateway"),
            name => Assert.Null(fixture.Resources[name]!["bindings"]!["http"]!["external"]));
    }

    [Fact]
    public void Secrets_are_parameters_never_values()
    {
        foreach (var name in DeploymentFixture.SecretParameters)
        {
            var parameter = fixture.Resources[name]!;
            Assert.Equal("parameter.v0", (string?)parameter["type"]);
            Assert.Equal(true, (bool?)parameter["inputs"]?["value"]?["secret"]);
            Assert.Equal($"{{{name}.inputs.value}}", (string?)parameter["value"]);
        }

        Assert.Equal("{jwt-signing-key.value}", Env("identity-api", "Jwt__SigningKey"));
        Assert.Equal("{postgres-password.value}", (string?)fixture.Resources["postgres"]!["env"]!["POSTGRES_PASSWORD"]);
        Assert.Equal("{minio-password.value}", (string?)fixture.Resources["minio"]!["env"]!["MINIO_ROOT_PASSWORD"]);
        Assert.Equal("{identity-api-db-password.value}", (string?)fixture.Resources["postgres"]!["env"]!["SAASPLATFORM_DB_PASSWORD_IDENTITY_API"]);
        // The publisher ran with every secret configured: none of them may be written out.
        Assert.DoesNotContain(fixture.Sentinel, fixture.ManifestText, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_database_login_is_its_own_role_never_the_superuser()
    {
        Assert.Equal("Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=identity_api;Password={identity-api-db-password.value};Database=identitydb",
            (string?)fixture.Resources["identitydb"]!["connectionString"]);
        Assert.Equal("Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=tenant_data;Password={tenant-data-db-password.value};Database=postgres",
            (string?)fixture.Resources["postgres-tenant-data"]!["connectionString"]);
        foreach (var name in (string[])["identitydb", "tenancydb", "eventsdb", "postgres-tenant-provisioner", "postgres-tenant-data"])
        {
            Assert.DoesNotContain("Username=postgres", (string?)fixture.Resources[name]!["connectionString"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Images_are_pinned()
    {
        foreach (var name in DeploymentFixture.InfrastructureContainers)
        {
            var image = (string?)fixture.Resources[name]!["image"] ?? "";
            var tag = image[(image.LastIndexOf(':') + 1)..];
            Assert.True(image.Contains(':', StringComparison.Ordinal) && tag is not ("latest" or "") && tag.Any(char.IsDigit), $"{name}: '{image}' is not pinned");
        }
    }

    private string Type(string name) => (string?)fixture.Resources[name]!["type"] ?? "";

    private string? Env(string resource, string variable) => (string?)fixture.Resources[resource]!["env"]?[variable];
}
