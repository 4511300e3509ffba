using System.Diagnostics;

namespace SaasPlatform.EndToEndTests.Disruption;

/// <summary>
/// A platform of its own for tests that break things (restart PostgreSQL, stop a service): its own PostgreSQL cluster
/// on its own port (created with <c>pg_createcluster</c>, dropped at the end), because the shared cluster on 5432
/// serves other runs on this machine; its own AppHost, so no other test sees the outage. The collection runs alone,
/// after the parallel ones, so it never competes with the main platform for the CPU.
/// Creating a cluster needs root (CI) or the postgres user's rights, as <c>eng/dev/postgres.sh</c> does.
/// </summary>
public sealed class DisruptionFixture : PlatformFixture
{
    public int PostgresPort { get; } = FreePort();

    public string ClusterName { get; } = $"e2e_{Guid.NewGuid().ToString("N")[..8]}";

    public string PostgresVersion { get; } = Directory.GetDirectories("/usr/lib/postgresql")
        .Select(Path.GetFileName).OrderBy(v => int.TryParse(v, out var n) ? n : 0).Last()!;

    protected override IEnumerable<string> AppHostArguments => [$"--DevServers:PostgresPort={PostgresPort}"];

    public override async Task InitializeAsync()
    {
        await RunAsync("pg_createcluster", PostgresVersion, ClusterName, "-p", PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--start");
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await RunAsync("pg_dropcluster", "--stop", PostgresVersion, ClusterName);
        }
    }

    /// <summary>Stops this run's PostgreSQL (fast: sessions end with 57P01), keeps it down for a while, starts it again.</summary>
    public async Task RestartPostgresAsync(TimeSpan down)
    {
        await RunAsync("pg_ctlcluster", PostgresVersion, ClusterName, "stop", "-m", "fast");
        await Task.Delay(down);
        await RunAsync("pg_ctlcluster", PostgresVersion, ClusterName, "start");
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

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DisruptionCollection : ICollectionFixture<DisruptionFixture>
{
    public const string Name = "disruption";
}
