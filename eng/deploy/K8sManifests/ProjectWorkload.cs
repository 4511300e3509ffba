using k8s;
using k8s.Models;

namespace SaasPlatform.Deploy.K8sManifests;

/// <summary>A project resource: ConfigMap, Deployment with health probes, Service, and an Ingress when it is external.</summary>
internal static class ProjectWorkload
{
    /// <summary>The UID of the <c>app</c> user in the .NET container images: lets the kubelet verify non-root.</summary>
    private const long DotnetAppUid = 1654;

    /// <summary>The image name before kustomize's <c>images:</c> maps it to a registry and tag.</summary>
    public static string ImageName(string resource) => GeneratorOptions.DefaultImagePrefix + resource;

    public static IEnumerable<IKubernetesObject> Create(
        ManifestResource resource, ValueResolver resolver, GeneratorOptions options, GenerationReport report)
    {
        var name = resource.Name;
        var labels = Labels.For(name, "service");
        var environment = WorkloadEnvironment.Build(resource, resolver, options, report);
        var endpoints = resolver.Endpoints(resource);
        var http = endpoints.FirstOrDefault(e => e.Scheme == "http")
            ?? throw new InvalidOperationException($"'{name}' has no http endpoint for its health probes.");
        var external = endpoints.FirstOrDefault(e => e.External && e.Scheme == "http");
        if (resource.Env.Any(e => e.Key == "ConnectionStrings__kafka"))
        {
            KafkaSecurity.Apply(environment, options, report);
        }

        Dictionary<string, string>? annotations = null;
        if (external is not null)
        {
            // The gateway trusts X-Forwarded-For only from the ingress controller's addresses; without them every
            // client would share the controller's address (one rate-limit bucket for everybody).
            if (options.Values.GetValueOrDefault(GeneratorOptions.Keys.IngressKnownNetworks) is { Length: > 0 } networks)
            {
                environment.ConfigData["ForwardedHeaders__KnownNetworks"] = networks;
            }
            else
            {
                report.Missing(GeneratorOptions.Keys.IngressKnownNetworks);
            }

            annotations = new Dictionary<string, string>
            {
                [RateLimitNoteAnnotation] = $"RateLimits:* are counted per gateway replica unless stated otherwise: {options.Replicas} replicas admit up to {options.Replicas}x each limit",
            };
        }

        yield return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = new V1ObjectMeta { Name = EnvConfigMapName(name), Labels = labels },
            Data = environment.ConfigData,
        };

        var container = new V1Container
        {
            Name = name,
            Image = ImageName(name),
            Args = environment.Args,
            Ports = endpoints.Select(e => new V1ContainerPort { ContainerPort = e.TargetPort, Name = e.Name, Protocol = "TCP" }).ToList(),
            EnvFrom = [new V1EnvFromSource { ConfigMapRef = new V1ConfigMapEnvSource { Name = EnvConfigMapName(name) } }],
            Env = environment.Env.Count > 0 ? environment.Env : null,
            // /health is readiness (database migrated, dependencies reachable); /alive only says the process answers.
            ReadinessProbe = HttpProbe("/health", http.Name, periodSeconds: 10, failureThreshold: 3),
            LivenessProbe = HttpProbe("/alive", http.Name, periodSeconds: 20, failureThreshold: 3),
            // Migrations run before the server listens: give start-up its own budget (5 s x 36 = 3 min).
            StartupProbe = HttpProbe("/alive", http.Name, periodSeconds: 5, failureThreshold: 36),
            Resources = new V1ResourceRequirements
            {
                Requests = Quantities(cpu: "100m", memory: "192Mi"),
                Limits = Quantities(cpu: "1", memory: "512Mi"),
            },
            SecurityContext = new V1SecurityContext
            {
                RunAsNonRoot = true,
                RunAsUser = DotnetAppUid,
                AllowPrivilegeEscalation = false,
            },
        };

        yield return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels, Annotations = annotations },
            Spec = new V1DeploymentSpec
            {
                Replicas = options.Replicas,
                RevisionHistoryLimit = 5,
                Selector = new V1LabelSelector { MatchLabels = Labels.Selector(name) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec
                    {
                        AutomountServiceAccountToken = false,
                        Containers = [container],
                    },
                },
            },
        };

        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = Labels.Selector(name),
                Ports = endpoints.Select(e => new V1ServicePort { Port = e.Port, Name = e.Name, Protocol = "TCP", TargetPort = e.Name }).ToList(),
            },
        };

        yield return ClusterPolicies.DisruptionBudget(name, labels);

        // Only resources the AppHost marks external (WithExternalHttpEndpoints: the gateway) are reachable from outside.
        if (external is not null)
        {
            yield return Ingress(name, external, labels, options);
        }
    }

    /// <summary>Next to the replica count: what scaling the gateway does to its rate limits.</summary>
    public const string RateLimitNoteAnnotation = "saasplatform.io/rate-limits";

    public static string EnvConfigMapName(string resource) => $"{resource}-env";

    internal static Dictionary<string, ResourceQuantity> Quantities(string cpu, string memory) => new()
    {
        ["cpu"] = new ResourceQuantity(cpu),
        ["memory"] = new ResourceQuantity(memory),
    };

    private static V1Probe HttpProbe(string path, string port, int periodSeconds, int failureThreshold) => new()
    {
        HttpGet = new V1HTTPGetAction { Path = path, Port = port },
        PeriodSeconds = periodSeconds,
        TimeoutSeconds = 5,
        FailureThreshold = failureThreshold,
    };

    private static V1Ingress Ingress(string name, ClusterEndpoint endpoint, Dictionary<string, string> labels, GeneratorOptions options) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = labels,
            // ingress-nginx buffers and caps bodies at 1 MiB by default; uploads stream up to 100 MiB (D9).
            Annotations = new Dictionary<string, string>
            {
                ["nginx.ingress.kubernetes.io/proxy-body-size"] = "100m",
                ["nginx.ingress.kubernetes.io/proxy-request-buffering"] = "off",
            },
        },
        Spec = new V1IngressSpec
        {
            IngressClassName = options.IngressClass,
            Tls = options.IngressTlsSecret is { } tls && options.IngressHost is { } tlsHost
                ? [new V1IngressTLS { Hosts = [tlsHost], SecretName = tls }]
                : null,
            Rules =
            [
                new V1IngressRule
                {
                    Host = options.IngressHost,
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths =
                        [
                            new V1HTTPIngressPath
                            {
                                Path = "/",
                                PathType = "Prefix",
                                Backend = new V1IngressBackend
                                {
                                    Service = new V1IngressServiceBackend
                                    {
                                        Name = name,
                                        Port = new V1ServiceBackendPort { Name = endpoint.Name },
                                    },
                                },
                            },
                        ],
                    },
                },
            ],
        },
    };
}
