using k8s.Models;
using SaasPlatform.Deploy.K8sManifests;

namespace SaasPlatform.DeploymentTests;

/// <summary>
/// The Kubernetes output with two PostgreSQL servers for tenant databases (<c>--tenant-servers 2</c>,
/// docs/decisions/tenant-placement.md): the generator publishes the manifest with <c>--Platform:TenantServers=2</c>, the
/// second server becomes a StatefulSet of its own with the server-wide roles only, and the services that reach tenant
/// databases get its login as <c>ConnectionStrings__tenants-pg2</c>.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class TenantServersManifestTests(DeploymentFixture fixture)
{
    [Fact]
    public async Task Two_tenant_servers_give_a_second_postgres_StatefulSet_and_its_logins_to_the_tenant_services()
    {
        var directory = Path.Combine(fixture.WorkDirectory, "servers-" + Guid.NewGuid().ToString("N")[..6], "k8s");
        var values = Path.Combine(fixture.WorkDirectory, "servers-values.env");
        await File.WriteAllLinesAsync(values,
            [.. File.ReadAllLines(Path.Combine(fixture.RepoRoot, "deploy", "parameters.env")),
             "storage-public-endpoint=https://files.example.test", "smtp-host=smtp.example.test", "public-url=https://app.example.test", "ingress-known-networks=10.64.0.0/16"]);
        using var log = new StringWriter();

        var exit = await Cli.RunAsync(
            ["--apphost", Path.Combine(fixture.RepoRoot, "SaasPlatform.AppHost"), "--no-build", "--tenant-servers", "2", "--output", directory, "--values", values],
            log, log);

        Assert.True(exit == 0, log.ToString());
        var output = GeneratedOutput.Read(directory, log.ToString());
        Assert.Equal([.. DeploymentFixture.InfrastructureContainers.Append("postgres-pg2").Order(StringComparer.Ordinal)],
            output.Of<V1StatefulSet>().Select(s => s.Metadata.Name).Order(StringComparer.Ordinal));

        // Its init script creates only the roles tenant databases need; no service database lives there.
        var second = output.ContainerOf("postgres-pg2");
        Assert.Equal("tenant_provisioner:+createdb,tenant_data",
            output.Of<V1ConfigMap>().Single(c => c.Metadata.Name == "postgres-pg2-env").Data["SAASPLATFORM_DB_ROLES"]);
        Assert.Equal(["POSTGRES_PASSWORD", "SAASPLATFORM_DB_PASSWORD_TENANT_DATA", "SAASPLATFORM_DB_PASSWORD_TENANT_PROVISIONER"],
            second.Env.Where(e => e.ValueFrom?.SecretKeyRef is not null).Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.Contains(output.Of<V1ConfigMap>(), c => c.Metadata.Name == "postgres-pg2-init");

        Assert.Equal("Host=postgres-pg2;Port=5432;Username=tenant_provisioner;Password=$(SECRET_TENANT_PROVISIONER_DB_PASSWORD);Database=postgres",
            Env(output, "tenancy-api", "ConnectionStrings__tenants-pg2").Value);
        foreach (var service in new[] { "documents-api", "events-worker" })
        {
            Assert.Equal("Host=postgres-pg2;Port=5432;Username=tenant_data;Password=$(SECRET_TENANT_DATA_DB_PASSWORD);Database=postgres",
                Env(output, service, "ConnectionStrings__tenants-pg2").Value);
        }

        // main stays where it was, under the same name: a single-server deployment's settings still apply.
        Assert.Equal("Host=postgres;Port=5432;Username=tenant_data;Password=$(SECRET_TENANT_DATA_DB_PASSWORD);Database=postgres",
            Env(output, "documents-api", "ConnectionStrings__postgres").Value);
        Assert.DoesNotContain(output.ContainerOf("identity-api").Env, e => e.Name.StartsWith("ConnectionStrings__tenants-", StringComparison.Ordinal));

        // Only the services that use tenant databases may reach the second server.
        var policy = output.Of<V1NetworkPolicy>().Single(p => p.Metadata.Name == "postgres-pg2-ingress");
        Assert.Equal(["documents-api", "events-worker", "tenancy-api"],
            policy.Spec.Ingress.SelectMany(i => i.FromProperty).Select(f => f.PodSelector.MatchLabels["app.kubernetes.io/name"]).Order(StringComparer.Ordinal));

        // External mode, from the manifest just published: each login on the second server is a Secret key of its own.
        var external = Path.Combine(Path.GetDirectoryName(directory)!, "external");
        using var externalLog = new StringWriter();
        exit = await Cli.RunAsync(
            ["--manifest", Path.Combine(Path.GetDirectoryName(directory)!, "aspire-manifest.json"), "--infrastructure", "external", "--output", external,
             "--values", values],
            externalLog, externalLog);
        Assert.True(exit == 0, externalLog.ToString());
        var externalOutput = GeneratedOutput.Read(external, externalLog.ToString());
        Assert.Empty(externalOutput.Of<V1StatefulSet>());
        Assert.Equal("postgres-pg2-tenant-data-connection-string",
            Env(externalOutput, "documents-api", "ConnectionStrings__tenants-pg2").ValueFrom.SecretKeyRef.Key);
        Assert.Equal("postgres-pg2-tenant-provisioner-connection-string",
            Env(externalOutput, "tenancy-api", "ConnectionStrings__tenants-pg2").ValueFrom.SecretKeyRef.Key);
    }

    [Fact]
    public async Task Tenant_servers_cannot_be_combined_with_a_given_manifest()
    {
        using var error = new StringWriter();
        var exit = await Cli.RunAsync(["--manifest", fixture.ManifestPath, "--tenant-servers", "2"], TextWriter.Null, error);
        Assert.Equal(2, exit);
        Assert.Contains("--tenant-servers", error.ToString(), StringComparison.Ordinal);
    }

    private static V1EnvVar Env(GeneratedOutput output, string workload, string name) =>
        output.ContainerOf(workload).Env.Single(e => e.Name == name);
}
