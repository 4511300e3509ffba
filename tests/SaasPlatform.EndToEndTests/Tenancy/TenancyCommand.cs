using System.Diagnostics;
using System.Text;

namespace SaasPlatform.EndToEndTests.Tenancy;

/// <summary>Runs a Tenancy.Api command (<c>migrate-tenants</c>, <c>init</c>) as its own process against the test servers.</summary>
internal static class TenancyCommand
{
    public sealed record Result(int ExitCode, string Output, TimeSpan Elapsed);

    public static async Task<Result> RunAsync(PlatformFixture platform, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(RepositoryRoot(), "Tenancy.Api", "bin", Configuration(), "net10.0", "Tenancy.Api.dll");
        Assert.True(File.Exists(dll), $"{dll} not built");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The logins the AppHost gives Tenancy.Api: the provisioner role owns tenant databases and runs their migrations.
        start.Environment["ConnectionStrings__postgres"] = await platform.GetConnectionStringAsync("postgres-tenant-provisioner");
        start.Environment["Provisioning__TenantDataRole"] = platform.DatabasePrefix + "tenant_data";
        start.Environment["Provisioning__TemplateDatabase"] = platform.DatabasePrefix + "template_tenant";
        start.Environment["ConnectionStrings__tenancydb"] = await platform.GetConnectionStringAsync("tenancydb");
        start.Environment["InternalApi__Key"] = platform.InternalApiKey;
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        start.Environment["Logging__LogLevel__Microsoft"] = "Warning";
        start.Environment["Logging__LogLevel__System.Net.Http"] = "Warning";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        output.Append(await stdout).Append(await stderr);
        return new Result(process.ExitCode, output.ToString(), watch.Elapsed);
    }

    private static string Configuration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SaasPlatform.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Repository root not found");
    }
}
