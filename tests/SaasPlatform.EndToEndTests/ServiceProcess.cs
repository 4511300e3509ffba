using Aspire.Hosting.ApplicationModel;

namespace SaasPlatform.EndToEndTests;

/// <summary>The operating-system process of a service resource, for tests that kill it the hard way.</summary>
internal static class ServiceProcess
{
    /// <summary>
    /// The pid of <paramref name="processName"/> for <paramref name="resource"/>: the orchestrator's process itself, or
    /// its child when the project is started through <c>dotnet run</c>.
    /// </summary>
    public static async Task<int> FindAsync(PlatformFixture platform, string resource, string processName)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var state = await platform.App.ResourceNotifications.WaitForResourceAsync(resource,
            e => e.Snapshot.Properties.Any(p => p.Name == "executable.pid"), timeout.Token);
        var pid = Convert.ToInt32(state.Snapshot.Properties.First(p => p.Name == "executable.pid").Value,
            System.Globalization.CultureInfo.InvariantCulture);
        var service = StatusField(pid, "Name") == processName
            ? pid
            : Directory.EnumerateDirectories("/proc").Select(d => int.TryParse(Path.GetFileName(d), out var p) ? p : 0)
                .FirstOrDefault(p => p > 0 && StatusField(p, "PPid") == pid.ToString(System.Globalization.CultureInfo.InvariantCulture)
                    && StatusField(p, "Name") == processName);
        Assert.True(service > 0, $"no {processName} process under {pid} ({StatusField(pid, "Name")})");
        return service;
    }

    private static string? StatusField(int pid, string field)
    {
        try
        {
            return File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal))?[(field.Length + 1)..].Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
