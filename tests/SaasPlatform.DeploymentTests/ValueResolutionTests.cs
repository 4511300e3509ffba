using k8s.Models;
using SaasPlatform.Deploy.K8sManifests;

namespace SaasPlatform.DeploymentTests;

/// <summary>The generator on small hand-written manifests: the cases the platform's own manifest does not have.</summary>
public sealed class ValueResolutionTests
{
    private const string Manifest = """
        {
          "resources": {
            "db-password": { "type": "parameter.v0", "value": "{db-password.inputs.value}", "inputs": { "value": { "type": "string", "secret": true } } },
            "region": { "type": "parameter.v0", "value": "{region.inputs.value}", "inputs": { "value": { "type": "string", "default": { "value": "eu-west-1" } } } },
            "legacy": { "type": "parameter.v0", "connectionString": "{legacy.value}", "value": "{legacy.inputs.value}", "inputs": { "value": { "type": "string", "secret": true } } },
            "cache": {
              "type": "container.v1", "image": "redis:7", "entrypoint": "redis-server",
              "bindings": { "tcp": { "scheme": "tcp", "protocol": "tcp", "transport": "tcp", "port": 6380, "targetPort": 6379 } },
              "bindMounts": [ { "source": "/etc/x", "target": "/x" } ]
            },
            "api": {
              "type": "project.v1", "path": "Api.csproj",
              "args": [ "--mode", "{region.value}", "--password={db-password.value}", "$(literal)" ],
              "env": {
                "Cache": "{cache.bindings.tcp.hostAndPort}",
                "Shell": "echo $(HOME) {{literal}}",
                "Login": "user:{db-password.value}@$(HOST)",
                "ConnectionStrings__legacy": "{legacy.connectionString}",
                "Region": "{region.value}"
              },
              "bindings": {
                "http": { "scheme": "http", "protocol": "tcp", "transport": "http" },
                "metrics": { "scheme": "http", "protocol": "tcp", "transport": "http", "targetPort": 9090 }
              }
            }
          }
        }
        """;

    [Fact]
    public void Resolves_ports_braces_kubelet_escapes_and_secret_compositions()
    {
        var result = ManifestGenerator.Generate(AspireManifest.Parse(Manifest), new GeneratorOptions());
        var objects = result.Files.SelectMany(f => f.Objects).ToList();
        var api = objects.OfType<V1Deployment>().Single().Spec.Template.Spec.Containers.Single();
        var config = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "api-env").Data;

        Assert.Equal("cache:6380", config["Cache"]);
        Assert.Equal("echo $(HOME) {literal}", config["Shell"]); // envFrom values are not expanded by the kubelet
        Assert.Equal("eu-west-1", config["Region"]);
        Assert.Equal(["--mode", "eu-west-1", "--password=$(SECRET_DB_PASSWORD)", "$$(literal)"], api.Args);
        Assert.Equal("user:$(SECRET_DB_PASSWORD)@$$(HOST)", api.Env.Single(e => e.Name == "Login").Value);
        Assert.Equal("db-password", api.Env.Single(e => e.Name == "SECRET_DB_PASSWORD").ValueFrom.SecretKeyRef.Key);
        Assert.Equal("legacy", api.Env.Single(e => e.Name == "ConnectionStrings__legacy").ValueFrom.SecretKeyRef.Key);
        Assert.Equal([8080, 9090], api.Ports.Select(p => p.ContainerPort));

        var cache = objects.OfType<V1StatefulSet>().Single().Spec.Template.Spec.Containers.Single();
        Assert.Equal(["redis-server"], cache.Command);
        Assert.Equal(6379, cache.Ports.Single().ContainerPort);
        Assert.Equal(6380, objects.OfType<V1Service>().Single(s => s.Metadata.Name == "cache").Spec.Ports.Single().Port);
        Assert.Contains(result.Report.Warnings, w => w.Contains("bind mounts", StringComparison.Ordinal));
        Assert.Equal(["db-password", "legacy"], result.Report.SecretKeys);
    }

    [Fact]
    public void An_external_server_address_comes_from_the_values_or_the_variable_is_left_out()
    {
        var external = new GeneratorOptions { Infrastructure = InfrastructureMode.External };
        var withAddress = external with { Values = new Dictionary<string, string> { ["cache.bindings.tcp.hostAndPort"] = "cache.example.com:6379" } };

        var without = ManifestGenerator.Generate(AspireManifest.Parse(Manifest), external);
        var with = ManifestGenerator.Generate(AspireManifest.Parse(Manifest), withAddress);

        Assert.Contains(without.Report.Omitted, o => o is { Resource: "api", Variable: "Cache" });
        Assert.Empty(without.Files.SelectMany(f => f.Objects).OfType<V1StatefulSet>());
        Assert.Equal("cache.example.com:6379", with.Files.SelectMany(f => f.Objects).OfType<V1ConfigMap>().Single().Data["Cache"]);
    }
}
