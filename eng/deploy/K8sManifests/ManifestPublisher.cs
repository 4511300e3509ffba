using System.Diagnostics;

namespace SaasPlatform.Deploy.K8sManifests;

/// <summary>Runs the AppHost's manifest publisher, the same command azd runs, so both outputs share one model.</summary>
internal static class ManifestPublisher
{
    public static async Task<string> PublishAsync(
        string appHostProject, string outputPath, bool noBuild, TextWriter log,
        IReadOnlyDictionary<string, string>? environment = null, CancellationToken cancellationToken = default)
    {
        outputPath = Path.GetFullPath(outputPath); // the publisher resolves relative paths against the AppHost
        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["run", "--project", appHostProject, .. noBuild ? ["--no-build"] : Array.Empty<string>(),
                     "--", "--publisher", "manifest", "--output-path", outputPath])
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0 || !File.Exists(outputPath))
        {
            throw new InvalidOperationException(
                $"The manifest publisher failed (exit {process.ExitCode}):{Environment.NewLine}{await stdout}{await stderr}");
        }

        await log.WriteLineAsync($"Aspire manifest: {outputPath}");
        return outputPath;
    }
}
