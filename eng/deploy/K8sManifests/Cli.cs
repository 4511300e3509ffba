using System.Globalization;

namespace SaasPlatform.Deploy.K8sManifests;

/// <summary>
/// <c>dotnet run --project eng/deploy/K8sManifests -- [options]</c>: publishes the Aspire manifest (or reads one) and
/// writes Kubernetes YAML plus a kustomization.yaml, so <c>kubectl apply -k &lt;output&gt;</c> deploys the platform.
/// </summary>
internal static class Cli
{
    public const string Usage = """
        Usage: K8sManifests [options]
          --manifest <file>              Read this Aspire manifest instead of publishing one from the AppHost.
          --apphost <project>            AppHost to publish from (default: SaasPlatform.AppHost).
          --no-build                     Do not build the AppHost before publishing its manifest.
          --output <dir>                 Output directory (default: deploy/out/k8s).
          --infrastructure <mode>        statefulsets (default): PostgreSQL, Kafka, MinIO, Vault in the cluster;
                                         external: their connection strings come from the Secret.
          --values <file>                name=value lines: non-secret parameters and external addresses
                                         (default: deploy/parameters.env when it exists).
          --set <name>=<value>           One more value (wins over --values).
          --secret-name <name>           The Secret holding every secret (default: saasplatform-secrets).
          --registry <host[/path]>       Registry for the project images (default: none).
          --tag <tag>                    Image tag (default: latest).
          --namespace <ns>               Namespace set in the kustomization (default: none).
          --ingress-host <host>          Host of the gateway's Ingress rule (default: any host).
          --ingress-class <class>        ingressClassName of the gateway's Ingress.
          --ingress-tls-secret <name>    TLS Secret for --ingress-host.
          --replicas <n>                 Replicas of each service (default: 2; each gets a PodDisruptionBudget).
                                         The gateway's rate limits count per replica.
          --ingress-namespace <ns>       Namespace of the ingress controller, the only source of traffic the
                                         gateway's NetworkPolicy admits (default: ingress-nginx).
          --storage-size <quantity>      Volume size per StatefulSet volume (default: 5Gi).
          --tenant-servers <n>           PostgreSQL servers for tenant databases (default: 1, 1 to 8): main plus
                                         pg2..pgN, each a StatefulSet (or a Secret key per login in external
                                         mode); publishes the manifest with --Platform:TenantServers=n
                                         (docs/decisions/tenant-placement.md). Not with --manifest.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        CommandLine command;
        try
        {
            command = CommandLine.Parse(args);
        }
        catch (FormatException ex)
        {
            await error.WriteLineAsync(ex.Message);
            await error.WriteLineAsync(Usage);
            return 2;
        }

        if (command.Help)
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }

        try
        {
            var manifestPath = command.Manifest
                ?? await ManifestPublisher.PublishAsync(command.AppHost, Path.Combine(command.Output, "..", "aspire-manifest.json"), command.NoBuild, output,
                    command.TenantServers is { } servers
                        ? new Dictionary<string, string> { ["Platform__TenantServers"] = servers.ToString(CultureInfo.InvariantCulture) }
                        : null);
            var result = ManifestGenerator.Generate(AspireManifest.Load(manifestPath), command.Options);
            if (result.Report.MissingValues.Count > 0)
            {
                await error.WriteLineAsync($"No value for: {string.Join(", ", result.Report.MissingValues)}. Add them to the values file or pass --set name=value.");
                return 1;
            }

            ManifestGenerator.Write(result, command.Output);
            await PrintReportAsync(result, command, output);
            return 0;
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or IOException or UnresolvableException or System.Text.Json.JsonException)
        {
            await error.WriteLineAsync(ex.Message);
            return 1;
        }
    }

    private static async Task PrintReportAsync(GenerationResult result, CommandLine command, TextWriter output)
    {
        var report = result.Report;
        var mode = command.Options.Infrastructure.ToString().ToLowerInvariant();
        await output.WriteLineAsync($"Wrote {result.Files.Count} files and kustomization.yaml to {command.Output} (infrastructure: {mode}).");
        await output.WriteLineAsync();
        await output.WriteLineAsync($"Before `kubectl apply -k {command.Output}`, create the Secret '{command.Options.SecretName}' with these keys:");
        foreach (var key in report.SecretKeys)
        {
            await output.WriteLineAsync($"  {key}");
        }

        await output.WriteLineAsync("for example:");
        await output.WriteLineAsync($"  kubectl create secret generic {command.Options.SecretName} \\");
        var keys = report.SecretKeys.ToList();
        for (var i = 0; i < keys.Count; i++)
        {
            var source = keys[i] == "jwt-signing-key" ? $"--from-file={keys[i]}=./jwt-signing-key.pem" : $"--from-literal={keys[i]}=...";
            await output.WriteLineAsync($"    {source}{(i < keys.Count - 1 ? " \\" : "")}");
        }

        await output.WriteLineAsync();
        if (report.Omitted.Count > 0)
        {
            await output.WriteLineAsync("Manifest environment variables not set in the cluster:");
            foreach (var group in report.Omitted.GroupBy(o => o.Reason))
            {
                await output.WriteLineAsync($"  {group.Key}:");
                await output.WriteLineAsync($"    {string.Join(", ", group.Select(o => $"{o.Resource}/{o.Variable}"))}");
            }
        }

        foreach (var warning in report.Warnings)
        {
            await output.WriteLineAsync($"warning: {warning}");
        }
    }

    private sealed record CommandLine(
        GeneratorOptions Options, string? Manifest, string AppHost, bool NoBuild, string Output, bool Help, int? TenantServers)
    {
        public static CommandLine Parse(string[] args)
        {
            string? manifest = null, valuesFile = null;
            string appHost = "SaasPlatform.AppHost", output = Path.Combine("deploy", "out", "k8s");
            bool noBuild = false, help = false;
            int? tenantServers = null;
            var sets = new Dictionary<string, string>(StringComparer.Ordinal);
            var options = new GeneratorOptions();

            for (var i = 0; i < args.Length; i++)
            {
                var arg = args[i];
                switch (arg)
                {
                    case "-h" or "--help": help = true; break;
                    case "--no-build": noBuild = true; break;
                    case "--manifest": manifest = Next(); break;
                    case "--apphost": appHost = Next(); break;
                    case "--output" or "-o": output = Next(); break;
                    case "--values": valuesFile = Next(); break;
                    case "--set":
                        var pair = Next();
                        var eq = pair.IndexOf('=', StringComparison.Ordinal);
                        if (eq <= 0)
                        {
                            throw new FormatException($"--set expects name=value, got '{pair}'.");
                        }

                        sets[pair[..eq]] = pair[(eq + 1)..];
                        break;
                    case "--infrastructure":
                        options = options with
                        {
                            Infrastructure = Next().ToLowerInvariant() switch
                            {
                                "statefulsets" or "statefulset" => InfrastructureMode.StatefulSets,
                                "external" => InfrastructureMode.External,
                                var other => throw new FormatException($"--infrastructure is statefulsets or external, not '{other}'."),
                            },
                        };
                        break;
                    case "--secret-name": options = options with { SecretName = Next() }; break;
                    case "--registry": options = options with { Registry = Next() }; break;
                    case "--tag": options = options with { Tag = Next() }; break;
                    case "--namespace": options = options with { Namespace = Next() }; break;
                    case "--ingress-host": options = options with { IngressHost = Next() }; break;
                    case "--ingress-class": options = options with { IngressClass = Next() }; break;
                    case "--ingress-tls-secret": options = options with { IngressTlsSecret = Next() }; break;
                    case "--replicas":
                        options = options with
                        {
                            Replicas = int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                                ? n
                                : throw new FormatException("--replicas expects a positive number."),
                        };
                        break;
                    case "--storage-size": options = options with { StorageSize = Next() }; break;
                    case "--ingress-namespace": options = options with { IngressNamespace = Next() }; break;
                    case "--tenant-servers":
                        tenantServers = int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var servers) && servers is > 0 and <= 8
                            ? servers
                            : throw new FormatException("--tenant-servers expects a number from 1 to 8.");
                        break;
                    default: throw new FormatException($"Unknown option '{arg}'.");
                }

                string Next() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{arg} expects a value.");
            }

            if (tenantServers is not null && manifest is not null)
            {
                throw new FormatException("--tenant-servers applies to the manifest the generator publishes; a given --manifest already names its servers.");
            }

            var defaultValues = Path.Combine("deploy", "parameters.env");
            valuesFile ??= File.Exists(defaultValues) ? defaultValues : null;
            var values = valuesFile is null ? [] : GeneratorOptions.ReadValuesFile(valuesFile);
            foreach (var (name, value) in sets)
            {
                values[name] = value;
            }

            return new CommandLine(options with { Values = values }, manifest, appHost, noBuild, output, help, tenantServers);
        }
    }
}
