using System.Text;
using k8s;
using k8s.Models;

namespace SaasPlatform.Deploy.K8sManifests;

/// <summary>
/// A container resource (PostgreSQL, Kafka, MinIO, Vault) for a self-contained cluster: a StatefulSet with one
/// PersistentVolumeClaim per manifest volume, and a headless Service named after the resource so the addresses the
/// manifest expressions resolve to (<c>postgres:5432</c>) reach it.
/// </summary>
internal static class InfrastructureWorkload
{
    public static IEnumerable<IKubernetesObject> Create(
        ManifestResource resource, ValueResolver resolver, GeneratorOptions options, GenerationReport report)
    {
        var name = resource.Name;
        var labels = Labels.For(name, "infrastructure");
        var environment = WorkloadEnvironment.Build(resource, resolver, options, report);
        var endpoints = resolver.Endpoints(resource);
        if (resource.HasBindMounts)
        {
            report.Warn($"{name}: bind mounts have no cluster equivalent and were skipped");
        }

        var image = resource.Image;
        if (image is null)
        {
            image = GeneratorOptions.DefaultImagePrefix + name;
            report.Warn($"{name}: built from a Dockerfile in the AppHost; build and push it as '{image}'");
        }

        var volumes = resource.Volumes.Select((v, i) => (Claim: ClaimName(i), v.Target, v.ReadOnly)).ToList();
        var init = PostgresInit.Applies(resource);
        if (init)
        {
            yield return PostgresInit.ConfigMap(name, labels);
        }

        yield return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = ProjectWorkload.EnvConfigMapName(name), Labels = labels },
            Data = environment.ConfigData,
        };

        var firstPort = endpoints.FirstOrDefault();
        var container = new V1Container
        {
            Name = name,
            Image = image,
            Command = resource.Entrypoint is { } entrypoint ? [entrypoint] : null,
            Args = environment.Args,
            Ports = endpoints.Select(e => new V1ContainerPort { ContainerPort = e.TargetPort, Name = PortName(e.Name), Protocol = "TCP" }).ToList(),
            EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = ProjectWorkload.EnvConfigMapName(name) } }],
            Env = environment.Env.Count > 0 ? environment.Env : null,
            VolumeMounts = volumes.Count > 0 || init
                ? [.. volumes.Select(v => new V1VolumeMount { MountPath = v.Target, Name = v.Claim, ReadOnlyProperty = v.ReadOnly }),
                   .. init ? [PostgresInit.Mount()] : Array.Empty<V1VolumeMount>()]
                : null,
            // Ready once it accepts connections; the services' own /health checks cover the protocol level.
            ReadinessProbe = firstPort is null ? null : new V1Probe
            {
                TcpSocket = new V1TCPSocketAction { Port = PortName(firstPort.Name) },
                PeriodSeconds = 10,
            },
            Resources = new V1ResourceRequirements
            {
                Requests = ProjectWorkload.Quantities(cpu: "100m", memory: "256Mi"),
                Limits = ProjectWorkload.Quantities(cpu: "1", memory: "1Gi"),
            },
        };

        yield return new V1StatefulSet
        {
            ApiVersion = "apps/v1",
            Kind = "StatefulSet",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1StatefulSetSpec
            {
                ServiceName = name,
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = Labels.Selector(name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        AutomountServiceAccountToken = false,
                        Containers = [container],
                        Volumes = init ? [PostgresInit.Volume(name)] : null,
                        // Volumes writable by the image's non-root user (Kafka runs as uid/gid 1000).
                        SecurityContext = FsGroup(image) is { } group
                            ? new V1PodSecurityContext { FsGroup = group, FsGroupChangePolicy = "OnRootMismatch" }
                            : null,
                    },
                },
                VolumeClaimTemplates = volumes.Count > 0
                    ? volumes.Select(v => new V1PersistentVolumeClaim
                    {
                        Metadata = new V1ObjectMeta { Name = v.Claim, Labels = labels },
                        Spec = new V1PersistentVolumeClaimSpec
                        {
                            AccessModes = ["ReadWriteOnce"],
                            Resources = new V1VolumeResourceRequirements
                            {
                                Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(options.StorageSize) },
                            },
                        },
                    }).ToList()
                    : null,
            },
        };

        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1ServiceSpec
            {
                ClusterIP = "None",
                Selector = Labels.Selector(name),
                Ports = endpoints.Select(e => new V1ServicePort { Port = e.Port, Name = PortName(e.Name), Protocol = "TCP", TargetPort = PortName(e.Name) }).ToList(),
            },
        };
    }

    /// <summary>The group owning the data volume for images that do not run as root (null: the image handles it).</summary>
    internal static long? FsGroup(string image) => image switch
    {
        _ when image.Contains("apache/kafka", StringComparison.Ordinal) => 1000,
        _ when image.Contains("/postgres:", StringComparison.Ordinal) || image.StartsWith("postgres:", StringComparison.Ordinal) => 999,
        _ => null,
    };

    /// <summary>Manifest volume names carry an AppHost path hash and dots; a claim name must be a DNS label.</summary>
    private static string ClaimName(int index) => index == 0 ? "data" : $"data-{index + 1}";

    /// <summary>Port names are IANA service names: at most 15 lowercase letters, digits and dashes.</summary>
    private static string PortName(string binding)
    {
        var name = new StringBuilder();
        foreach (var c in binding.ToLowerInvariant())
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var text = name.ToString().Trim('-');
        return text.Length > 15 ? text[..15] : text;
    }
}
