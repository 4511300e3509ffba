using System.Diagnostics;
using System.Globalization;

namespace SaasPlatform.EndToEndTests;

/// <summary>
/// A PostgreSQL cluster of one test run's own (the apt installation's newest version, <c>pg_createcluster</c> on a free
/// port, dropped at the end), for fixtures whose tests must not touch the shared cluster on 5432: the disruption tests
/// restart it, the tenant-servers tests need a second server. Needs root (CI) or the postgres user's rights, as
/// <c>eng/dev/postgres.sh</c> does.
/// </summary>
public sealed class OwnPostgresCluster(int port)
{
    public int Port { get; } = port;

    public string Name { get; } = $"e2e_{Guid.NewGuid().ToString("N")[..8]}";

    public string Version { get; } = Directory.GetDirectories("/usr/lib/postgresql")
        .Select(Path.GetFileName).OrderBy(v => int.TryParse(v, out var n) ? n : 0).Last()!;

    public Task CreateAsync() => RunAsync("pg_createcluster", Version, Name, "-p", Port.ToString(CultureInfo.InvariantCulture), "--start");

    public Task DropAsync() => RunAsync("pg_dropcluster", "--stop", Version, Name);

    /// <summary>Stops the server (fast: sessions end with 57P01), keeps it down for a while, starts it again.</summary>
    public async Task RestartAsync(TimeSpan down)
    {
        await RunAsync("pg_ctlcluster", Version, Name, "stop", "-m", "fast");
        await Task.Delay(down);
        await RunAsync("pg_ctlcluster", Version, Name, "start");
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} {string.Join(' ', arguments)} failed ({process.ExitCode}): {await errors}{await output}");
        }
    }
}
