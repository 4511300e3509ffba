using System.Diagnostics;
using Npgsql;

namespace SaasPlatform.EndToEndTests.TenantServers;

/// <summary>
/// The platform with two PostgreSQL servers for tenant databases (<c>--Platform:TenantServers=2</c>,
/// docs/decisions/tenant-placement.md): <c>main</c>, the shared apt cluster on 5432, and <c>pg2</c>, a cluster of this
/// run's own on a free port (created with <c>pg_createcluster</c>, dropped at the end, as the disruption fixture does),
/// so concurrent runs never share it. Started once for the tests of the <see cref="TenantServersCollection"/>.
/// </summary>
public sealed class TenantServersFixture : PlatformFixture
{
    public const string Second = "pg2";

    public int SecondPort { get; } = FreePort();

    public string ClusterName { get; } = $"e2e_{Guid.NewGuid().ToString("N")[..8]}";

    public string PostgresVersion { get; } = Directory.GetDirectories("/usr/lib/postgresql")
        .Select(Path.GetFileName).OrderBy(v => int.TryParse(v, out var n) ? n : 0).Last()!;

    protected override IEnumerable<string> AppHostArguments =>
        ["--Platform:TenantServers=2", $"--DevServers:TenantServerPorts:{Second}={SecondPort}"];

    public override async Task InitializeAsync()
    {
        await RunAsync("pg_createcluster", PostgresVersion, ClusterName, "-p", SecondPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--start");
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

    /// <summary>A superuser connection string for <paramref name="database"/> on tenant server <paramref name="server"/>.</summary>
    public async Task<string> ServerDatabaseAsync(string server, string database)
    {
        var superuser = await GetConnectionStringAsync(server == "main" ? "postgres" : $"postgres-{server}")
                        ?? throw new InvalidOperationException($"no connection string for tenant server {server}");
        return new NpgsqlConnectionStringBuilder(superuser) { Database = database, Pooling = false }.ConnectionString;
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
public sealed class TenantServersCollection : ICollectionFixture<TenantServersFixture>
{
    public const string Name = "tenant-servers";
}
