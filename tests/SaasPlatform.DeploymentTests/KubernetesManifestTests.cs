using System.Diagnostics;
using k8s;
using k8s.Models;
using SaasPlatform.Deploy.K8sManifests;

namespace SaasPlatform.DeploymentTests;

/// <summary>
/// Runs the generator's command line on the published manifest, in both infrastructure modes, and checks what
/// <c>kubectl apply -k</c> would receive: valid Kubernetes objects, probes, resources, secrets only by reference.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed partial class KubernetesManifestTests(DeploymentFixture fixture)
{
    private const string SecretName = "platform-secrets";

    public static TheoryData<string> Modes => new() { "statefulsets", "external" };

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Every_document_parses_into_a_Kubernetes_model_type(string mode)
    {
        var output = await GenerateAsync(mode);

        Assert.NotEmpty(output.Objects);
        Assert.All(output.Objects, o =>
        {
            Assert.False(string.IsNullOrEmpty(o.Kind));
            Assert.StartsWith("k8s.Models.", o.GetType().FullName);
        });
        // The kustomization names exactly the generated files, so `kubectl apply -k <dir>` takes all of them.
        Assert.Equal(
            output.YamlFiles.Order(StringComparer.Ordinal),
            output.KustomizationResources.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Each_project_has_a_Deployment_with_probes_and_resources_and_a_Service(string mode)
    {
        var output = await GenerateAsync(mode);
        var deployments = output.Of<V1Deployment>();

        Assert.Equal(DeploymentFixture.Projects.Order(), deployments.Select(d => d.Metadata.Name).Order());
        foreach (var deployment in deployments)
        {
            var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
            var ports = container.Ports.Select(p => p.Name).ToList();

            Assert.Equal("/health", container.ReadinessProbe?.HttpGet?.Path);
            Assert.Equal("/alive", container.LivenessProbe?.HttpGet?.Path);
            Assert.Contains(container.ReadinessProbe!.HttpGet.Port.Value, ports);
            Assert.Contains(container.LivenessProbe!.HttpGet.Port.Value, ports);
            AssertRequestsAndLimits(container);
            Assert.Equal($"saasplatform/{deployment.Metadata.Name}", container.Image);
            // Plain configuration comes from the workload's ConfigMap.
            var configMap = Assert.Single(container.EnvFrom).ConfigMapRef.Name;
            Assert.Contains(output.Of<V1ConfigMap>(), c => c.Metadata.Name == configMap);
        }

        Assert.All(DeploymentFixture.Projects, p => Assert.Contains(output.Of<V1Service>(), s => s.Metadata.Name == p));
        Assert.All(output.Of<V1StatefulSet>().SelectMany(s => s.Spec.Template.Spec.Containers), AssertRequestsAndLimits);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Every_Service_selects_exactly_its_workload_on_ports_it_exposes(string mode)
    {
        var output = await GenerateAsync(mode);
        var workloads = output.Of<V1Deployment>().Select(d => (d.Metadata.Name, d.Spec.Selector.MatchLabels, d.Spec.Template))
            .Concat(output.Of<V1StatefulSet>().Select(s => (s.Metadata.Name, s.Spec.Selector.MatchLabels, s.Spec.Template)))
            .ToList();

        foreach (var service in output.Of<V1Service>())
        {
            var selected = workloads.Where(w => service.Spec.Selector.All(l => w.Template.Metadata.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).ToList();
            var workload = Assert.Single(selected);
            Assert.Equal(service.Metadata.Name, workload.Name);
            // The workload's own selector matches its pods too.
            Assert.All(workload.MatchLabels, l => Assert.Equal(l.Value, workload.Template.Metadata.Labels[l.Key]));
            var containerPorts = workload.Template.Spec.Containers.SelectMany(c => c.Ports).Select(p => p.Name).ToList();
            Assert.All(service.Spec.Ports, p => Assert.Contains(p.TargetPort.Value, containerPorts));
        }

        Assert.All(workloads, w => Assert.Contains(output.Of<V1Service>(), s => s.Metadata.Name == w.Name));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Secrets_are_only_ever_references(string mode)
    {
        var output = await GenerateAsync(mode);

        // No Secret is generated at all: the operator creates the one every reference points at.
        Assert.DoesNotContain(output.Objects, o => o.Kind == "Secret");
        Assert.DoesNotContain(fixture.Sentinel, output.AllText, StringComparison.Ordinal);
        // No manifest expression is left unresolved.
        Assert.DoesNotMatch(@"\{[a-z0-9-]+\.(bindings|value|connectionString|inputs)", output.AllText);

        foreach (var container in output.Containers)
        {
            var defined = new Dictionary<string, V1EnvVar>(StringComparer.Ordinal);
            foreach (var variable in container.Env ?? [])
            {
                if (variable.ValueFrom is { } source)
                {
                    Assert.Equal(SecretName, source.SecretKeyRef.Name);
                    Assert.Contains(source.SecretKeyRef.Key, output.ExpectedSecretKeys);
                }
                else
                {
                    // A value in env (not the ConfigMap) only exists to compose secret references.
                    var references = System.Text.RegularExpressions.Regex.Matches(variable.Value, @"(?<!\$)\$\(([^)]+)\)").Select(m => m.Groups[1].Value).ToList();
                    Assert.NotEmpty(references);
                    Assert.All(references, r => Assert.NotNull(defined.GetValueOrDefault(r)?.ValueFrom?.SecretKeyRef));
                }

                defined[variable.Name] = variable;
            }
        }

        // Whatever holds a secret in the manifest never lands in a ConfigMap.
        var secretVariables = new[] { ("identity-api", "Jwt__SigningKey"), ("identity-api", "ConnectionStrings__identitydb"), ("documents-api", "ConnectionStrings__storage") };
        foreach (var (workload, variable) in secretVariables)
        {
            Assert.DoesNotContain(variable, output.Of<V1ConfigMap>().Single(c => c.Metadata.Name == $"{workload}-env").Data.Keys);
        }

        Assert.Equal("jwt-signing-key", Env(output, "identity-api", "Jwt__SigningKey").ValueFrom.SecretKeyRef.Key);
    }

    [Fact]
    public async Task StatefulSets_mode_runs_the_servers_in_the_cluster()
    {
        var output = await GenerateAsync("statefulsets");

        Assert.Equal(DeploymentFixture.InfrastructureContainers.Order(), output.Of<V1StatefulSet>().Select(s => s.Metadata.Name).Order());
        Assert.All(DeploymentFixture.InfrastructureContainers, name =>
            Assert.Equal("None", output.Of<V1Service>().Single(s => s.Metadata.Name == name).Spec.ClusterIP));
        Assert.Equal("5Gi", output.Of<V1StatefulSet>().Single(s => s.Metadata.Name == "postgres").Spec.VolumeClaimTemplates.Single().Spec.Resources.Requests["storage"].ToString());

        // Bindings resolve to service DNS names; passwords are spliced in from the Secret by the kubelet. Each service
        // logs in as its own role; only the postgres StatefulSet itself knows the superuser's password.
        Assert.Equal("Host=postgres;Port=5432;Username=identity_api;Password=$(SECRET_IDENTITY_API_DB_PASSWORD);Database=identitydb",
            Env(output, "identity-api", "ConnectionStrings__identitydb").Value);
        Assert.Equal("identity-api-db-password", Env(output, "identity-api", "SECRET_IDENTITY_API_DB_PASSWORD").ValueFrom.SecretKeyRef.Key);
        Assert.Equal("Host=postgres;Port=5432;Username=tenant_provisioner;Password=$(SECRET_TENANT_PROVISIONER_DB_PASSWORD);Database=postgres",
            Env(output, "tenancy-api", "ConnectionStrings__postgres").Value);
        Assert.Equal("Host=postgres;Port=5432;Username=tenant_data;Password=$(SECRET_TENANT_DATA_DB_PASSWORD);Database=postgres",
            Env(output, "documents-api", "ConnectionStrings__postgres").Value);
        Assert.Equal("postgres-password", Env(output, "postgres", "POSTGRES_PASSWORD").ValueFrom.SecretKeyRef.Key);
        Assert.All(output.Of<V1Deployment>(), d => Assert.DoesNotContain(d.Spec.Template.Spec.Containers.Single().Env ?? [],
            e => e.ValueFrom?.SecretKeyRef?.Key == "postgres-password"));
        Assert.DoesNotContain("Username=postgres;", output.AllText, StringComparison.Ordinal);

        // Publish mode: every address is a Service name.
        Assert.Equal("kafka:9092", Config(output, "identity-api", "ConnectionStrings__kafka"));
        Assert.Equal("http://tenancy-api:8080", Config(output, "identity-api", "services__tenancy-api__http__0"));
        Assert.Equal("http://documents-api:8080", Config(output, "gateway", "services__documents-api__http__0"));
        Assert.StartsWith("Endpoint=http://minio:9000;PublicEndpoint=https://files.example.test;", Env(output, "documents-api", "ConnectionStrings__storage").Value, StringComparison.Ordinal);
        Assert.Equal("minioadmin", Config(output, "minio", "MINIO_ROOT_USER"));
        Assert.Equal(
            ["events-worker-db-password", "identity-api-db-password", "internal-api-key", "jwt-signing-key", "minio-password", "postgres-password",
             "smtp-password", "smtp-username", "tenancy-api-db-password", "tenant-data-db-password", "tenant-provisioner-db-password"],
            output.ExpectedSecretKeys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task External_mode_takes_the_servers_connection_strings_from_the_Secret()
    {
        var output = await GenerateAsync("external");

        Assert.Empty(output.Of<V1StatefulSet>());
        Assert.DoesNotContain(output.Of<V1Service>(), s => DeploymentFixture.InfrastructureContainers.Contains(s.Metadata.Name));
        Assert.Equal("kafka-connection-string", Env(output, "documents-api", "ConnectionStrings__kafka").ValueFrom.SecretKeyRef.Key);
        Assert.Equal("storage-connection-string", Env(output, "documents-api", "ConnectionStrings__storage").ValueFrom.SecretKeyRef.Key);
        // Each service's login (its own role on the operator's server) is a Secret key of its own.
        Assert.Equal("identitydb-connection-string", Env(output, "identity-api", "ConnectionStrings__identitydb").ValueFrom.SecretKeyRef.Key);
        Assert.Equal("postgres-tenant-data-connection-string", Env(output, "documents-api", "ConnectionStrings__postgres").ValueFrom.SecretKeyRef.Key);
        Assert.Equal("postgres-tenant-provisioner-connection-string", Env(output, "tenancy-api", "ConnectionStrings__postgres").ValueFrom.SecretKeyRef.Key);
        Assert.DoesNotContain("postgres:5432", output.AllText, StringComparison.Ordinal);
        Assert.Equal(
            ["eventsdb-connection-string", "identitydb-connection-string", "internal-api-key", "jwt-signing-key", "kafka-connection-string",
             "postgres-tenant-data-connection-string", "postgres-tenant-provisioner-connection-string", "smtp-password", "smtp-username",
             "storage-connection-string", "tenancydb-connection-string"],
            output.ExpectedSecretKeys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Only_the_gateway_has_an_Ingress_and_images_take_the_registry_and_tag(string mode)
    {
        var output = await GenerateAsync(mode);

        var ingress = Assert.Single(output.Of<V1Ingress>());
        var backend = Assert.Single(Assert.Single(ingress.Spec.Rules).Http.Paths).Backend.Service;
        Assert.Equal("gateway", backend.Name);
        Assert.Equal("api.example.test", ingress.Spec.Rules[0].Host);
        Assert.Contains(output.Of<V1Service>().Single(s => s.Metadata.Name == "gateway").Spec.Ports, p => p.Name == backend.Port.Name);

        Assert.All(DeploymentFixture.Projects, p =>
            Assert.Contains($"- name: saasplatform/{p}\n  newName: registry.example.test/saasplatform/{p}\n  newTag: \"9.9.9\"", output.Kustomization, StringComparison.Ordinal));
        Assert.Contains("namespace: saas", output.Kustomization, StringComparison.Ordinal);
    }

    [RequiresKubectlTheory]
    [MemberData(nameof(Modes))]
    public async Task Kustomize_builds_the_directory(string mode)
    {
        var output = await GenerateAsync(mode);
        var start = new ProcessStartInfo(SkipConditions.Kubectl!, ["kustomize", output.Directory]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, stderr);
        var built = KubernetesYaml.LoadAllFromString(await stdout);
        Assert.Equal(output.Objects.Count, built.Count);
        Assert.Contains($"image: registry.example.test/saasplatform/gateway:9.9.9", await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_non_secret_parameter_without_a_value_fails_the_generation()
    {
        var directory = Path.Combine(fixture.WorkDirectory, "missing");
        using var error = new StringWriter();

        var exit = await Cli.RunAsync(["--manifest", fixture.ManifestPath, "--output", directory, "--values", "/dev/null"], TextWriter.Null, error);

        Assert.Equal(1, exit);
        Assert.Contains("minio-user", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("storage-public-endpoint", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("ingress-known-networks", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("smtp-host", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("public-url", error.ToString(), StringComparison.Ordinal);
        Assert.False(Directory.Exists(directory));
    }

    private static void AssertRequestsAndLimits(V1Container container)
    {
        Assert.True(container.Resources.Requests.ContainsKey("cpu") && container.Resources.Requests.ContainsKey("memory"), container.Name);
        Assert.True(container.Resources.Limits.ContainsKey("cpu") && container.Resources.Limits.ContainsKey("memory"), container.Name);
    }

    private static V1EnvVar Env(GeneratedOutput output, string workload, string name) =>
        output.ContainerOf(workload).Env.Single(e => e.Name == name);

    private static string Config(GeneratedOutput output, string workload, string name) =>
        output.Of<V1ConfigMap>().Single(c => c.Metadata.Name == $"{workload}-env").Data[name];

    internal async Task<GeneratedOutput> GenerateAsync(string mode, params string[] extra)
    {
        var directory = Path.Combine(fixture.WorkDirectory, mode + "-" + Guid.NewGuid().ToString("N")[..6]);
        // The values file holds every secret's sentinel too: the generator must not use them.
        var values = Path.Combine(fixture.WorkDirectory, "values.env");
        await File.WriteAllLinesAsync(values,
            [.. File.ReadAllLines(Path.Combine(fixture.RepoRoot, "deploy", "parameters.env")), .. DeploymentFixture.SecretParameters.Select(p => $"{p}={fixture.Sentinel}"),
             "storage-public-endpoint=https://files.example.test", "smtp-host=smtp.example.test", "public-url=https://app.example.test", "ingress-known-networks=10.64.0.0/16,10.65.0.0/16"]);
        using var log = new StringWriter();

        var exit = await Cli.RunAsync(
            ["--manifest", fixture.ManifestPath, "--output", directory, "--infrastructure", mode, "--values", values,
             "--secret-name", SecretName, "--registry", "registry.example.test", "--tag", "9.9.9", "--namespace", "saas",
             "--ingress-host", "api.example.test", .. extra],
            log, log);

        Assert.True(exit == 0, log.ToString());
        return GeneratedOutput.Read(directory, log.ToString());
    }
}
