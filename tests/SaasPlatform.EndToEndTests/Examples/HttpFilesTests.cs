using System.Diagnostics;

namespace SaasPlatform.EndToEndTests.Examples;

/// <summary>
/// Runs every <c>.http</c> file of the repository, unchanged, against this run's gateway with httpyac (installed by
/// <c>eng/install-prereqs.sh</c> into <c>eng/httpyac</c>), so the examples users copy cannot rot. Each request in
/// those files carries its own assertions (<c>?? status == ...</c>); httpyac exits non-zero when one fails.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class HttpFilesTests(PlatformFixture platform)
{
    public static TheoryData<string> HttpFiles() => new(
        Directory.EnumerateFiles(RepositoryRoot, "*.http", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}node_modules{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(RepositoryRoot, path))
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(HttpFiles))]
    public async Task Http_file_runs_as_written_against_the_gateway(string relativePath)
    {
        var httpyac = Path.Combine(RepositoryRoot, "eng", "httpyac", "node_modules", ".bin", "httpyac");
        Assert.True(File.Exists(httpyac), $"httpyac is missing at {httpyac}: run eng/install-prereqs.sh");
        string gateway;
        using (var client = platform.CreateDirectClient("gateway"))
        {
            gateway = client.BaseAddress!.ToString().TrimEnd('/');
        }

        var file = Path.Combine(RepositoryRoot, relativePath);

        // httpyac only runs files under its working directory.
        var start = new ProcessStartInfo(httpyac)
        {
            WorkingDirectory = Path.GetDirectoryName(file)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[]
                 {
                     "send", Path.GetFileName(file), "--all", "--bail", "--no-color",
                     "--output", "short", "--output-failed", "exchange", "--timeout", "60000", "--var", $"gateway={gateway}",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var log = $"{await output}\n{await errors}";
        Assert.True(process.ExitCode == 0, $"httpyac exited with {process.ExitCode} on {relativePath}:\n{log}");
        Assert.DoesNotContain("✖", log, StringComparison.Ordinal);
    }

    private static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SaasPlatform.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SaasPlatform.sln above {AppContext.BaseDirectory}");
    }
}
