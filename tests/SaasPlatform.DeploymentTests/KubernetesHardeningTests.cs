using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SaasPlatform.Deploy.K8sManifests;
using SaasPlatform.Storage;
using k8s;
using k8s.Models;

namespace SaasPlatform.DeploymentTests;

/// <summary>What makes the generated output survive a real cluster: volumes, heap, policies, budgets, least privilege, schema.</summary>
public sealed partial class KubernetesManifestTests
{
    [Fact]
    public async Task Kafka_keeps_its_data_on_the_volume_with_a_heap_below_the_memory_limit()
    {
        var output = await GenerateAsync("statefulsets");
        var kafka = output.Of<V1StatefulSet>().Single(s => s.Metadata.Name == "kafka");
        var container = kafka.Spec.Template.Spec.Containers.Single();
        var mount = container.VolumeMounts.Single(m => m.Name == kafka.Spec.VolumeClaimTemplates.Single().Metadata.Name);

        Assert.StartsWith(mount.MountPath + "/", Config(output, "kafka", "KAFKA_LOG_DIRS"), StringComparison.Ordinal);
        Assert.Equal(1000, kafka.Spec.Template.Spec.SecurityContext.FsGroup); // apache/kafka runs as uid/gid 1000
        var heap = System.Text.RegularExpressions.Regex.Match(Config(output, "kafka", "KAFKA_HEAP_OPTS"), @"-Xmx(\d+)m");
        Assert.True(heap.Success);
        var limitMiB = container.Resources.Limits["memory"].ToInt64() / (1024 * 1024);
        Assert.True(long.Parse(heap.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) <= limitMiB / 2,
            $"heap {heap.Value} leaves too little of the {limitMiB} MiB limit for the JVM's off-heap memory");

        // Listeners: both advertise the Service name, which every pod resolves.
        Assert.Equal("PLAINTEXT_HOST://kafka:9092,PLAINTEXT_INTERNAL://kafka:9093", Config(output, "kafka", "KAFKA_ADVERTISED_LISTENERS"));
        Assert.All(output.Of<V1StatefulSet>().Select(s => s.Spec.Template.Spec.Containers.Single().Image),
            image => Assert.DoesNotMatch(@":latest$|^[^:]+$", image));
    }

    [Fact]
    public async Task Network_policies_admit_only_the_workloads_that_use_each_server_and_the_ingress_to_the_gateway()
    {
        var output = await GenerateAsync("statefulsets", "--ingress-namespace", "edge");
        var policies = output.Of<V1NetworkPolicy>();

        var deny = policies.Single(p => p.Metadata.Name == ClusterPolicies.DefaultDenyName);
        Assert.Equal(["Ingress"], deny.Spec.PolicyTypes);
        Assert.Null(deny.Spec.Ingress);

        Assert.Equal(["documents-api", "events-worker", "identity-api", "tenancy-api"], Callers("postgres"));
        Assert.Equal(["documents-api", "events-worker", "identity-api", "tenancy-api"], Callers("kafka"));
        Assert.Equal(["documents-api", "events-worker"], Callers("minio"));
        Assert.Equal(["gateway"], Callers("documents-api"));
        Assert.Equal(["documents-api", "events-worker", "gateway", "identity-api"], Callers("tenancy-api"));

        var gateway = policies.Single(p => p.Metadata.Name == "gateway-ingress").Spec.Ingress.Single();
        var from = Assert.Single(gateway.FromProperty);
        Assert.Null(from.PodSelector);
        Assert.Equal("edge", from.NamespaceSelector.MatchLabels["kubernetes.io/metadata.name"]);
        Assert.Equal([8080], gateway.Ports.Select(p => int.Parse(p.Port.Value, System.Globalization.CultureInfo.InvariantCulture)));

        List<string> Callers(string workload) => policies.Single(p => p.Metadata.Name == $"{workload}-ingress").Spec.Ingress.Single().FromProperty
            .Select(f => f.PodSelector.MatchLabels[Labels.Name]).Order(StringComparer.Ordinal).ToList();
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Every_service_runs_two_replicas_with_a_disruption_budget_and_the_gateway_trusts_only_the_ingress(string mode)
    {
        var output = await GenerateAsync(mode);

        foreach (var deployment in output.Of<V1Deployment>())
        {
            Assert.Equal(2, deployment.Spec.Replicas);
            var budget = output.Of<V1PodDisruptionBudget>().Single(b => b.Metadata.Name == deployment.Metadata.Name);
            Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
            Assert.Equal(deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
        }

        Assert.Equal("10.64.0.0/16,10.65.0.0/16", Config(output, "gateway", "ForwardedHeaders__KnownNetworks"));
        var gateway = output.Of<V1Deployment>().Single(d => d.Metadata.Name == "gateway");
        Assert.Contains("per gateway replica", gateway.Metadata.Annotations[ProjectWorkload.RateLimitNoteAnnotation], StringComparison.Ordinal);

        var three = await GenerateAsync(mode, "--replicas", "3");
        Assert.All(three.Of<V1Deployment>(), d => Assert.Equal(3, d.Spec.Replicas));
    }

    [Fact]
    public async Task Kafka_security_settings_come_from_the_values_and_credentials_from_the_Secret()
    {
        var output = await GenerateAsync("external", "--set", "kafka-security-protocol=SASL_SSL", "--set", "kafka-sasl-mechanism=SCRAM-SHA-256");

        foreach (var service in (string[])["identity-api", "tenancy-api", "documents-api", "events-worker"])
        {
            Assert.Equal("SaslSsl", Config(output, service, "Kafka__SecurityProtocol"));
            Assert.Equal("ScramSha256", Config(output, service, "Kafka__SaslMechanism"));
            Assert.Equal(KafkaSecurity.SaslUsernameKey, Env(output, service, "Kafka__SaslUsername").ValueFrom.SecretKeyRef.Key);
            Assert.Equal(KafkaSecurity.SaslPasswordKey, Env(output, service, "Kafka__SaslPassword").ValueFrom.SecretKeyRef.Key);
            Assert.Equal(KafkaSecurity.CaPemKey, Env(output, service, "Kafka__SslCaPem").ValueFrom.SecretKeyRef.Key);
        }

        Assert.DoesNotContain("Kafka__SecurityProtocol", output.Of<V1ConfigMap>().Single(c => c.Metadata.Name == "gateway-env").Data.Keys);
        Assert.Contains(KafkaSecurity.SaslPasswordKey, output.ExpectedSecretKeys);

        // The in-cluster broker is PLAINTEXT (behind its NetworkPolicy): asking for SASL there is an error, not a silent no-op.
        using var error = new StringWriter();
        var exit = await Cli.RunAsync(["--manifest", fixture.ManifestPath, "--output", Path.Combine(fixture.WorkDirectory, "sasl"), "--set", "kafka-security-protocol=SASL_SSL",
            "--set", "storage-public-endpoint=https://files.example.test", "--set", "ingress-known-networks=10.0.0.0/8", "--set", "minio-user=x",
            "--set", "smtp-host=smtp.example.test", "--set", "smtp-port=587", "--set", "public-url=https://app.example.test"], TextWriter.Null, error);
        Assert.Equal(1, exit);
        Assert.Contains("--infrastructure external", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_presigned_download_url_carries_the_public_endpoint()
    {
        var output = await GenerateAsync("statefulsets");
        // The kubelet splices the Secret in: stand in for it.
        var connectionString = Env(output, "documents-api", "ConnectionStrings__storage").Value.Replace("$(SECRET_MINIO_PASSWORD)", "secret", StringComparison.Ordinal);
        var storage = new ObjectStorage(StorageSettings.Parse(connectionString), Options.Create(new StorageOptions()), NullLogger<ObjectStorage>.Instance);

        var (url, _) = await storage.PresignGetAsync("tenants/tenant_a_00000000/files/ab/cd/abcd", TimeSpan.FromMinutes(5), null, null);

        Assert.Equal("https://files.example.test", url.GetLeftPart(UriPartial.Authority));
        Assert.Contains("X-Amz-Signature=", url.Query, StringComparison.Ordinal);
        Assert.NotEqual("minio", url.Host); // the in-cluster address, which no client outside the cluster resolves
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public async Task Every_object_is_valid_against_the_Kubernetes_OpenAPI_schema(string mode)
    {
        var output = await GenerateAsync(mode);
        var validator = Path.Combine(fixture.RepoRoot, "eng", "k8s-validate");
        Assert.True(Directory.Exists(Path.Combine(validator, "node_modules", "kubernetes-models")), "kubernetes-models is not installed: run eng/install-prereqs.sh");
        var json = Path.Combine(output.Directory, "objects.json");
        await File.WriteAllTextAsync(json, "[" + string.Join(",", output.Objects.Select(o => KubernetesJson.Serialize(o))) + "]");

        var start = new ProcessStartInfo("node", [Path.Combine(validator, "validate.mjs"), json])
        {
            WorkingDirectory = validator,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0, await stdout + stderr);
        Assert.Contains($"{output.Objects.Count} valid, 0 invalid", await stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_postgres_init_script_creates_least_privilege_roles_on_a_real_server()
    {
        var output = await GenerateAsync("statefulsets");
        var postgres = output.Of<V1StatefulSet>().Single(s => s.Metadata.Name == "postgres");
        var script = output.Of<V1ConfigMap>().Single(c => c.Metadata.Name == PostgresInit.ConfigMapName("postgres")).Data[PostgresInit.ScriptName];
        Assert.Contains(postgres.Spec.Template.Spec.Containers.Single().VolumeMounts, m => m.MountPath == PostgresInit.MountPath);
        var roles = Config(output, "postgres", PostgresInit.RolesVariable);
        Assert.Equal("identity_api:identitydb,tenancy_api:tenancydb,events_worker:eventsdb,tenant_provisioner:+createdb,tenant_data", roles);

        // Run it as the image would, against the apt PostgreSQL, with names of this run only. The test may be the
        // first thing to need that server (CI runs this project before any platform starts it).
        var (started, startLog) = await RunAsync(["bash", Path.Combine(fixture.RepoRoot, "eng/dev/postgres.sh"), "--start-only"], []);
        Assert.True(started == 0, startLog);
        var prefix = $"dt{Guid.NewGuid().ToString("N")[..6]}_";
        var prefixed = string.Join(",", roles.Split(',').Select(e => e.Contains(':', StringComparison.Ordinal) && !e.EndsWith("+createdb", StringComparison.Ordinal)
            ? prefix + e.Replace(":", ":" + prefix, StringComparison.Ordinal)
            : prefix + e));
        var environment = new Dictionary<string, string> { [PostgresInit.RolesVariable] = prefixed, ["POSTGRES_USER"] = "postgres" };
        foreach (var role in roles.Split(',').Select(e => e.Split(':')[0]))
        {
            environment[$"SAASPLATFORM_DB_PASSWORD_{(prefix + role).ToUpperInvariant()}"] = "pw-" + role;
        }

        var file = Path.Combine(Path.GetTempPath(), prefix + PostgresInit.ScriptName);
        await File.WriteAllTextAsync(file, script);
        try
        {
            var (exit, log) = await RunAsPostgresAsync(["bash", file], environment);
            Assert.True(exit == 0, log);

            // Its own database: yes. Another service's: no. No role is a superuser; only the provisioner creates databases.
            await using (var own = new NpgsqlConnection(Login(prefix + "identity_api", "pw-identity_api", prefix + "identitydb")))
            {
                await own.OpenAsync();
            }

            var denied = await Assert.ThrowsAsync<PostgresException>(async () =>
            {
                await using var other = new NpgsqlConnection(Login(prefix + "identity_api", "pw-identity_api", prefix + "tenancydb"));
                await other.OpenAsync();
            });
            Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);

            var (_, attributes) = await RunAsPostgresAsync(["psql", "-qAt", "-c",
                $"SELECT string_agg(rolname || ':' || rolsuper || ':' || rolcreatedb || ':' || rolcreaterole, ',' ORDER BY rolname) FROM pg_roles WHERE starts_with(rolname, '{prefix}')"], []);
            Assert.Equal(
                $"{prefix}events_worker:false:false:false,{prefix}identity_api:false:false:false,{prefix}tenancy_api:false:false:false,"
                + $"{prefix}tenant_data:false:false:false,{prefix}tenant_provisioner:false:true:false",
                attributes.Trim());
        }
        finally
        {
            File.Delete(file);
            // One statement per -c: DROP DATABASE cannot run inside the transaction psql wraps a multi-statement -c in.
            var (dropExit, dropLog) = await RunAsPostgresAsync(["psql", "-q",
                .. ((string[])["identitydb", "tenancydb", "eventsdb"]).SelectMany(d => (string[])["-c", $"DROP DATABASE IF EXISTS {prefix}{d}"]),
                .. roles.Split(',').SelectMany(e => (string[])["-c", $"DROP ROLE IF EXISTS {prefix}{e.Split(':')[0]}"])], []);
            Assert.True(dropExit == 0, dropLog);
        }

        static string Login(string user, string password, string database) =>
            $"Host=127.0.0.1;Port=5432;Username={user};Password={password};Database={database};Pooling=false;SSL Mode=Disable";
    }

    /// <summary>The local PostgreSQL's superuser is the OS user postgres (peer authentication), as in the image's entrypoint.</summary>
    private static Task<(int Exit, string Output)> RunAsPostgresAsync(string[] command, Dictionary<string, string> environment)
    {
        var asRoot = Environment.UserName == "root";
        return RunAsync([.. asRoot ? ["runuser", "-u", "postgres", "--"] : (string[])["sudo", "-n", "-E", "-u", "postgres"], .. command], environment);
    }

    private static async Task<(int Exit, string Output)> RunAsync(string[] command, Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(command[0], command[1..])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/tmp",
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
