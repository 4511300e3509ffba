using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using SaasPlatform.AppHost.Infrastructure;

namespace SaasPlatform.DeploymentTests;

/// <summary>
/// The AppHost's application model, built but never started (no Docker needed), as the Aspire repository tests its
/// own integrations: endpoints get addresses the way DCP would give them (a proxied host port on localhost, the
/// resource's name on the container network), then each resource's environment is resolved and checked against what
/// its consumer can reach.
/// </summary>
public sealed partial class AppHostModelTests(AppHostModels models) : IClassFixture<AppHostModels>
{
    private const string ContainerNetworkSuffix = ".dev.internal";

    [Fact]
    public async Task Container_mode_gives_host_projects_localhost_and_the_allocated_ports()
    {
        var model = await models.ContainersAsync();

        var kafkaPort = model.Port("kafka", KafkaServerResource.PrimaryEndpointName);
        var postgresPort = model.Port("postgres", "tcp");
        var minioPort = model.Port("minio", "http");
        var vaultPort = model.Port("vault", "http");

        // Every service but the gateway (which holds no secrets and sends no events).
        foreach (var project in DeploymentFixture.Projects.Where(p => p != "gateway"))
        {
            var env = await model.EnvironmentAsync(project);
            Assert.Equal($"localhost:{kafkaPort}", env["ConnectionStrings__kafka"]);
            Assert.Equal($"http://localhost:{vaultPort}", env["Vault__Address"].TrimEnd('/'));
            Assert.False(string.IsNullOrEmpty(env["Vault__Token"]));
            Assert.DoesNotContain(env, e => e.Value.Contains("Username=postgres;", StringComparison.Ordinal));
        }

        var identity = await model.EnvironmentAsync("identity-api");
        Assert.Equal($"Host=localhost;Port={postgresPort};Username=identity_api;Password=pw-identity_api;Database=identitydb", identity["ConnectionStrings__identitydb"]);
        var tenancy = await model.EnvironmentAsync("tenancy-api");
        Assert.Equal($"Host=localhost;Port={postgresPort};Username=tenant_provisioner;Password=pw-tenant_provisioner;Database=postgres", tenancy["ConnectionStrings__postgres"]);
        Assert.Equal("tenant_data", tenancy["Provisioning__TenantDataRole"]);
        var documents = await model.EnvironmentAsync("documents-api");
        Assert.Equal($"Host=localhost;Port={postgresPort};Username=tenant_data;Password=pw-tenant_data;Database=postgres", documents["ConnectionStrings__postgres"]);
        Assert.Equal(
            $"Endpoint=http://localhost:{minioPort};PublicEndpoint=http://localhost:{minioPort};AccessKey=minioadmin;SecretKey=pw-minio;Bucket=saas-platform-files;Region=us-east-1",
            documents["ConnectionStrings__storage"]);
        var events = await model.EnvironmentAsync("events-worker");
        Assert.StartsWith("Host=localhost;", events["ConnectionStrings__eventsdb"], StringComparison.Ordinal);
        Assert.Contains("Username=tenant_data;", events["ConnectionStrings__postgres"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Container_mode_Kafka_advertises_a_host_listener_and_a_container_network_listener_on_its_volume()
    {
        var model = await models.ContainersAsync();
        var kafka = (ContainerResource)model.Resource("kafka");
        var env = await model.EnvironmentAsync("kafka");

        // Clients are redirected to what the broker advertises: host projects must get the proxied localhost port,
        // containers the broker's name on the container network, never the other way round.
        Assert.Equal($"PLAINTEXT_HOST://localhost:{model.Port("kafka", "tcp")},PLAINTEXT_INTERNAL://kafka:9093", env["KAFKA_ADVERTISED_LISTENERS"]);
        Assert.Contains("PLAINTEXT_HOST://0.0.0.0:9092", env["KAFKA_LISTENERS"], StringComparison.Ordinal);
        Assert.Contains("PLAINTEXT_INTERNAL://0.0.0.0:9093", env["KAFKA_LISTENERS"], StringComparison.Ordinal);
        Assert.Equal("PLAINTEXT_INTERNAL", env["KAFKA_INTER_BROKER_LISTENER_NAME"]);
        var tcp = kafka.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == "tcp");
        Assert.True(tcp.IsProxied);
        Assert.Null(tcp.Port); // allocated per run, not fixed at 9092

        // The data directory is on the volume (a subdirectory: see ContainerServers).
        var volume = kafka.Annotations.OfType<ContainerMountAnnotation>().Single();
        Assert.StartsWith(volume.Target + "/", env["KAFKA_LOG_DIRS"], StringComparison.Ordinal);
        Assert.Contains("-Xmx512m", env["KAFKA_HEAP_OPTS"], StringComparison.Ordinal);

        // What a container referencing the internal endpoint resolves it to: the container network name.
        var @internal = new EndpointReference(kafka, KafkaServerResource.InternalEndpointName, KnownNetworkIdentifiers.DefaultAspireContainerNetwork);
        Assert.Equal($"kafka{ContainerNetworkSuffix}:9093", await @internal.Property(EndpointProperty.HostAndPort).GetValueAsync(default));
    }

    [Theory]
    [InlineData("containers")]
    [InlineData("local")]
    public async Task Every_WaitFor_target_and_every_project_has_a_health_check(string mode)
    {
        var model = mode == "containers" ? await models.ContainersAsync() : await models.LocalAsync();

        foreach (var resource in model.App.Resources)
        {
            foreach (var wait in resource.Annotations.OfType<WaitAnnotation>())
            {
                Assert.True(IsHealthChecked(wait.Resource, 0), $"{resource.Name} waits for {wait.Resource.Name}, which has no health check (WaitFor would mean only 'started')");
            }
        }

        Assert.All(model.App.Resources.OfType<ProjectResource>(), p =>
            Assert.True(p.Annotations.OfType<HealthCheckAnnotation>().Any(), $"{p.Name} has no health check"));
        Assert.All(model.App.Resources.OfType<ContainerResource>(), c =>
            Assert.True(c.Annotations.OfType<HealthCheckAnnotation>().Any(), $"{c.Name} has no health check"));

        // A connection string resource is ready when what it waits for is: those must be health-checked.
        // Parameters are values, not servers: waiting for one waits for its value only.
        static bool IsHealthChecked(IResource resource, int depth) =>
            resource is ParameterResource
            || resource.Annotations.OfType<HealthCheckAnnotation>().Any()
            || (depth < 4 && resource is ConnectionStringResource
                && resource.Annotations.OfType<WaitAnnotation>().Any()
                && resource.Annotations.OfType<WaitAnnotation>().All(w => IsHealthChecked(w.Resource, depth + 1)));
    }

    [Fact]
    public async Task Local_mode_logs_services_in_under_their_own_prefixed_roles()
    {
        var model = await models.LocalAsync();

        var identity = await model.EnvironmentAsync("identity-api");
        Assert.Equal("Host=127.0.0.1;Port=5432;Username=run1_identity_api;Password=pw-identity_api;SSL Mode=Disable;Database=run1_identitydb", identity["ConnectionStrings__identitydb"]);
        var tenancy = await model.EnvironmentAsync("tenancy-api");
        Assert.Contains("Username=run1_tenant_provisioner;", tenancy["ConnectionStrings__postgres"], StringComparison.Ordinal);
        Assert.Equal("run1_tenant_data", tenancy["Provisioning__TenantDataRole"]);
        Assert.Equal("run1_template_tenant", tenancy["Provisioning__TemplateDatabase"]);
        foreach (var project in DeploymentFixture.Projects)
        {
            Assert.DoesNotContain(await model.EnvironmentAsync(project), e => e.Value.Contains("Username=postgres;", StringComparison.Ordinal));
        }
    }

    /// <remarks>Building is quick; disposing an application that never started takes about 30 s, hence the shared models.</remarks>
    internal static async Task<ModelUnderTest> BuildAsync(string infrastructure, params string[] extra)
    {
        string[] parameters =
        [
            "--Parameters:postgres-password=pw-postgres", "--Parameters:minio-password=pw-minio",
            "--Parameters:jwt-signing-key=pw-jwt", "--Parameters:internal-api-key=pw-internal", "--Parameters:vault-token=pw-vault",
            .. DatabaseRoles.All.Select(r => $"--Parameters:{DatabaseRoles.PasswordParameter(r.Role)}=pw-{r.Role}"),
        ];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SaasPlatform_AppHost>(
            [$"--Platform:Infrastructure={infrastructure}", "--DOTNET_LAUNCH_PROFILE=http", .. parameters, .. extra]);
        var app = await builder.BuildAsync();
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();

        // What DCP does at start: every endpoint gets a host port on localhost; containers also get their name on the
        // container network.
        var port = 41000;
        foreach (var resource in model.Resources.OfType<IResourceWithEndpoints>())
        {
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                var address = resource is ExecutableResource or ProjectResource && !endpoint.IsProxied ? "127.0.0.1" : "localhost";
                endpoint.AllocatedEndpoint = new AllocatedEndpoint(endpoint, address, endpoint.IsProxied ? port++ : endpoint.Port ?? port++);
                if (resource is ContainerResource)
                {
                    endpoint.AllAllocatedEndpoints.AddOrUpdateAllocatedEndpoint(KnownNetworkIdentifiers.DefaultAspireContainerNetwork,
                        new AllocatedEndpoint(endpoint, resource.Name + ContainerNetworkSuffix, endpoint.TargetPort ?? 0,
                            EndpointBindingMode.SingleAddress, targetPortExpression: null, KnownNetworkIdentifiers.DefaultAspireContainerNetwork));
                }
            }
        }

        return new ModelUnderTest(app, model);
    }

    internal sealed class ModelUnderTest(DistributedApplication app, DistributedApplicationModel model) : IAsyncDisposable
    {
        public DistributedApplicationModel App => model;

        public IResource Resource(string name) => model.Resources.Single(r => r.Name == name);

        public int Port(string resource, string endpoint) =>
            Resource(resource).Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == endpoint).AllocatedEndpoint!.Port;

        // The helper the Aspire repository's own integration tests use; marked obsolete in favour of the lower-level
        // ExecutionConfigurationBuilder, which resolves the same callbacks.
#pragma warning disable CS0618
        public async Task<Dictionary<string, string>> EnvironmentAsync(string resource) =>
            new(await ((IResourceWithEnvironment)Resource(resource)).GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Run));
#pragma warning restore CS0618

        public ValueTask DisposeAsync() => app.DisposeAsync();
    }
}

/// <summary>One model per mode for the whole class (read only: endpoints are allocated once, when built).</summary>
public sealed class AppHostModels : IAsyncLifetime
{
    private Task<AppHostModelTests.ModelUnderTest>? _containers;
    private Task<AppHostModelTests.ModelUnderTest>? _local;

    internal Task<AppHostModelTests.ModelUnderTest> ContainersAsync() => _containers ??= AppHostModelTests.BuildAsync("containers");

    internal Task<AppHostModelTests.ModelUnderTest> LocalAsync() => _local ??= AppHostModelTests.BuildAsync("local", "--DevServers:DatabasePrefix=run1_");

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var model in new[] { _containers, _local })
        {
            if (model is not null)
            {
                await (await model).DisposeAsync();
            }
        }
    }
}
