using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Npgsql;

namespace SaasPlatform.Bench.Measurements;

/// <summary>
/// Part <c>scale</c> (<c>bench/run.sh --tenants N</c>): what the platform costs at N tenants beside the same figures at
/// 10 tenants, in one run. bench/run.sh drives it in three phases around a platform restart, with a state file between
/// them: <c>small</c> (10 bench tenants: measure), <c>grow</c> (create the rest through the gateway, 4 clients at a
/// time), <c>large</c> (after the restart: measure again, run migrate-tenants over them all, print the table, delete
/// every bench tenant and drop its database).
/// </summary>
public static class TenantScale
{
    public const int SmallTenants = 10;
    private const int Clients = 4;
    private const int UntouchedSamples = 50;

    public sealed record Figures
    {
        public int TenantDatabases { get; init; }
        public double ServicesCores { get; init; } = double.NaN;
        public double PostgresCores { get; init; } = double.NaN;
        public double DashboardCores { get; init; } = double.NaN;
        public double TelemetryBytesPerSecond { get; init; } = double.NaN;
        public double UsersMeRps { get; init; } = double.NaN;
        public double LoginMs { get; init; } = double.NaN;
        public double CreationsPerSecond { get; init; } = double.NaN;
        public double CreationP99Ms { get; init; } = double.NaN;
        public int Creations { get; init; }
        public double UntouchedDocumentsP99Ms { get; init; } = double.NaN;
        public double StartupSeconds { get; init; } = double.NaN;
    }

    public sealed record CreatedTenant(string Email, Guid Id, string DatabaseName, string Phase);

    public sealed record State
    {
        public Figures? Small { get; init; }
        public List<CreatedTenant> Tenants { get; init; } = [];
        public double GrowCreationsPerSecond { get; init; } = double.NaN;
        public double GrowCreationP99Ms { get; init; } = double.NaN;
        public int GrowCreations { get; init; }
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task<IReadOnlyList<Row>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var state = File.Exists(options.ScaleState)
            ? JsonSerializer.Deserialize<State>(await File.ReadAllTextAsync(options.ScaleState, cancellationToken), Json) ?? new State()
            : new State();
        switch (options.ScalePhase)
        {
            case "small":
                var created = await CreateAsync(options, SmallTenants, "small", cancellationToken);
                state = state with { Tenants = [.. state.Tenants, .. created.Tenants] };
                await SaveAsync(options, state, cancellationToken);
                var small = await MeasureAsync(options, state, "small", cancellationToken) with
                {
                    CreationsPerSecond = created.PerSecond, CreationP99Ms = created.P99Ms, Creations = created.Tenants.Count,
                };
                await SaveAsync(options, state with { Small = small }, cancellationToken);
                return [];
            case "grow":
                var grown = await CreateAsync(options, Math.Max(0, options.ScaleTenants - state.Tenants.Count), "grow", cancellationToken);
                await SaveAsync(options, state with
                {
                    Tenants = [.. state.Tenants, .. grown.Tenants],
                    GrowCreationsPerSecond = grown.PerSecond, GrowCreationP99Ms = grown.P99Ms, GrowCreations = grown.Tenants.Count,
                }, cancellationToken);
                return [];
            case "large":
                try
                {
                    var large = await MeasureAsync(options, state, "grow", cancellationToken) with
                    {
                        CreationsPerSecond = state.GrowCreationsPerSecond, CreationP99Ms = state.GrowCreationP99Ms, Creations = state.GrowCreations,
                    };
                    await RewindLastMigrationAsync(options, state, cancellationToken);
                    var migrate = await MigrateTenantsAsync(options, cancellationToken);
                    return Rows(state.Small ?? new Figures(), large, migrate);
                }
                finally
                {
                    await CleanupAsync(options, state);
                }
            case "cleanup":
                await CleanupAsync(options, state);
                return [];
            default:
                throw new ArgumentException($"--scale-phase small|grow|large|cleanup, not '{options.ScalePhase}'");
        }
    }

    private static Task SaveAsync(BenchOptions options, State state, CancellationToken cancellationToken) =>
        File.WriteAllTextAsync(options.ScaleState, JsonSerializer.Serialize(state, Json), cancellationToken);

    /// <summary>Creates <paramref name="count"/> tenants through the gateway, <see cref="Clients"/> clients at a time, each its own user.</summary>
    private static async Task<(List<CreatedTenant> Tenants, double PerSecond, double P99Ms)> CreateAsync(
        BenchOptions options, int count, string label, CancellationToken cancellationToken)
    {
        using var api = PlatformApi.Create(options.Gateway, TimeSpan.FromSeconds(60));
        var users = new List<(string Email, string Token)>();
        for (var i = 0; i < Clients; i++)
        {
            users.Add(await api.NewUserAsync(cancellationToken));
        }

        var created = new ConcurrentBag<CreatedTenant>();
        var latencies = new ConcurrentBag<double>();
        var next = -1;
        var failures = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(users.Select(user => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count && !cancellationToken.IsCancellationRequested)
            {
                var call = Stopwatch.StartNew();
                try
                {
                    var (id, database) = await api.CreateTenantAsync(user.Token, $"bench scale {label} {i}", cancellationToken);
                    latencies.Add(call.Elapsed.TotalMilliseconds);
                    created.Add(new CreatedTenant(user.Email, id, database, label));
                }
                catch (BenchSkipException ex) when (Interlocked.Increment(ref failures) <= 20)
                {
                    BenchLog.Write($"scale: creating tenant {i} failed: {ex.Message}");
                }

                if (i % 100 == 99)
                {
                    BenchLog.Write($"scale: {label}: {created.Count}/{count} tenants created ({watch.Elapsed.TotalSeconds:0} s)");
                }
            }
        }, CancellationToken.None)));
        var elapsed = watch.Elapsed.TotalSeconds;
        BenchLog.Write($"scale: {label}: {created.Count}/{count} tenants created in {elapsed:0.0} s, {failures} failed");
        return ([.. created], created.Count / elapsed, Stats.Percentile(latencies, 99));
    }

    private static async Task<Figures> MeasureAsync(BenchOptions options, State state, string untouchedPhase, CancellationToken cancellationToken)
    {
        var databases = await TenantDatabasesAsync(options, cancellationToken);
        BenchLog.Write($"scale: measuring at {databases} tenant databases on the server; settling {options.ScaleSettle.TotalSeconds:0} s first");
        await Task.Delay(options.ScaleSettle, cancellationToken);

        var idle = await IdleCpuAsync(options, cancellationToken);
        using var api = PlatformApi.Create(options.Gateway, TimeSpan.FromSeconds(60));
        var (email, token) = await api.NewUserAsync(cancellationToken);
        var me = await Wrk.RunAsync(options, new Uri(options.Gateway, "/api/users/me"), token, TimeSpan.FromSeconds(15), cancellationToken);
        BenchLog.Write($"scale: users/me {me}");

        var logins = new List<double>();
        for (var i = 0; i < options.Logins; i++)
        {
            var watch = Stopwatch.StartNew();
            await api.LoginAsync(email, cancellationToken);
            logins.Add(watch.Elapsed.TotalMilliseconds);
        }

        // One GET each on tenants nobody touched since they were created: the cold path (access check, pool). The
        // first GET after the platform's start also pays for compiling the endpoint's code and query once per process,
        // which no tenant count changes: it goes to one more untouched tenant and is not counted.
        var untouched = state.Tenants.Where(t => t.Phase == untouchedPhase).OrderBy(_ => Random.Shared.Next()).Take(UntouchedSamples + 1).ToList();
        var tokens = await TokensAsync(api, untouched, cancellationToken);
        var gets = new List<double>();
        foreach (var (tenant, index) in untouched.Select((tenant, index) => (tenant, index)))
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenant.Id}/documents");
            var watch = Stopwatch.StartNew();
            using var response = await api.SendAsync(request, tokens[tenant.Email], cancellationToken);
            await response.Content.ReadAsByteArrayAsync(cancellationToken);
            if (index > 0)
            {
                gets.Add(watch.Elapsed.TotalMilliseconds);
            }

            if (!response.IsSuccessStatusCode)
            {
                BenchLog.Write($"scale: GET documents of {tenant.Id}: {(int)response.StatusCode}");
            }
        }

        BenchLog.Write(string.Create(CultureInfo.InvariantCulture,
            $"scale: login mean {Stats.Mean(logins):0.0} ms; untouched GET documents p50 {Stats.Median(gets):0.0} ms p99 {Stats.Percentile(gets, 99):0.0} ms over {gets.Count}"));
        return new Figures
        {
            TenantDatabases = databases,
            ServicesCores = idle.Services,
            PostgresCores = idle.Postgres,
            DashboardCores = idle.Dashboard,
            TelemetryBytesPerSecond = idle.TelemetryBytesPerSecond,
            UsersMeRps = me.RequestsPerSecond,
            LoginMs = Stats.Mean(logins),
            UntouchedDocumentsP99Ms = Stats.Percentile(gets, 99),
            StartupSeconds = options.ScaleStartupSeconds,
        };
    }

    /// <summary>A fresh token for each creator (the ones from creation time have expired by now).</summary>
    private static async Task<Dictionary<string, string>> TokensAsync(PlatformApi api, IEnumerable<CreatedTenant> tenants, CancellationToken cancellationToken)
    {
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var email in tenants.Select(t => t.Email).Distinct(StringComparer.Ordinal))
        {
            tokens[email] = await api.LoginAsync(email, cancellationToken);
        }

        return tokens;
    }

    /// <summary>CPU (in cores) of this run's services, of every PostgreSQL process, and of the dashboard, over the idle window.</summary>
    private static async Task<(double Services, double Postgres, double Dashboard, double TelemetryBytesPerSecond)> IdleCpuAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var services = options.RunMarker is null ? [] : new[] { "Identity.Api", "Tenancy.Api", "Documents.Api", "Events.Worker", "Gateway" }
            .Select(p => ProcessMemory.FindService(options.RunMarker, p)).OfType<int>().ToList();
        var postgres = ProcessesNamed("postgres");
        var dashboard = ProcessesNamed("Aspire.Dashboard");
        var before = (Ticks(services), Ticks(postgres), Ticks(dashboard));
        var watch = Stopwatch.StartNew();
        var telemetryBytes = await TelemetryBytesOverAsync(options.ScaleIdle, cancellationToken);
        // PostgreSQL forks a backend per connection: count the ones that appeared meanwhile too.
        var postgresAfter = ProcessesNamed("postgres");
        var seconds = watch.Elapsed.TotalSeconds;
        var hz = 100.0; // USER_HZ on Linux
        double Cores(long start, long end) => (end - start) / hz / seconds;
        var telemetry = telemetryBytes / seconds;
        var result = (Cores(before.Item1, Ticks(services)), Cores(before.Item2, Ticks(postgresAfter)), Cores(before.Item3, Ticks(dashboard)), telemetry);
        BenchLog.Write(string.Create(CultureInfo.InvariantCulture,
            $"scale: idle over {seconds:0} s: services ({services.Count} processes) {result.Item1:0.000} cores, PostgreSQL {result.Item2:0.000}, dashboard ({dashboard.Count}) {result.Item3:0.000}; telemetry to the dashboard {telemetry / 1024:0.0} KiB/s"));
        return result;
    }

    /// <summary>
    /// Bytes the dashboard's OTLP endpoints (19080 HTTP, 20080 gRPC in bench/run.sh) receive over
    /// <paramref name="window"/>: <c>ss -ti</c>'s bytes_received per connection, sampled every second. The exporters'
    /// HTTP connections are replaced every few minutes (IHttpClientFactory's handler lifetime), so the counters of the
    /// connections open at two instants say little (a closed connection takes its bytes with it; the figure even went
    /// negative): a connection first seen during the window counts from zero, one that closes counts until its last sample.
    /// </summary>
    private static async Task<double> TelemetryBytesOverAsync(TimeSpan window, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        var first = await TelemetryBytesByConnectionAsync(cancellationToken);
        var last = new Dictionary<string, double>(first, StringComparer.Ordinal);
        while (watch.Elapsed < window)
        {
            var remaining = window - watch.Elapsed;
            await Task.Delay(remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1), cancellationToken);
            foreach (var (connection, bytes) in await TelemetryBytesByConnectionAsync(cancellationToken))
            {
                first.TryAdd(connection, 0);
                last[connection] = bytes;
            }
        }

        return last.Sum(c => c.Value - first[c.Key]);
    }

    private static async Task<Dictionary<string, double>> TelemetryBytesByConnectionAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ss") { RedirectStandardOutput = true };
        foreach (var arg in new[] { "-Htin", "state", "established", "( sport = :19080 or sport = :20080 )" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        // Each connection: "recv-q send-q local peer", then an indented line of its TCP info.
        return System.Text.RegularExpressions.Regex.Matches(output, @"(\S+:\d+)\s+(\S+:\d+)\s*\n[^\n]*?bytes_received:(\d+)")
            .GroupBy(m => m.Groups[1].Value + " " + m.Groups[2].Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => double.Parse(g.Last().Groups[3].Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);
    }

    private static List<int> ProcessesNamed(string name)
    {
        var pids = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var comm = File.ReadAllText(Path.Combine(directory, "comm")).Trim();
                var cmdline = File.ReadAllText(Path.Combine(directory, "cmdline"));
                if (comm.StartsWith(name, StringComparison.Ordinal) || (name != "postgres" && cmdline.Contains(name, StringComparison.Ordinal)))
                {
                    pids.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }

        return pids;
    }

    /// <summary>utime + stime (+ children's, for PostgreSQL backends that ended) of the processes still alive.</summary>
    private static long Ticks(IEnumerable<int> pids)
    {
        long total = 0;
        foreach (var pid in pids)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{pid}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // fields[11..14] = utime, stime, cutime, cstime (stat fields 14-17)
                total += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)
                         + long.Parse(fields[13], CultureInfo.InvariantCulture) + long.Parse(fields[14], CultureInfo.InvariantCulture);
            }
            catch (Exception ex) when (ex is IOException or FormatException or UnauthorizedAccessException)
            {
            }
        }

        return total;
    }

    private static async Task<int> TenantDatabasesAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        if (options.Postgres is null)
        {
            return -1;
        }

        await using var connection = new NpgsqlConnection(options.Postgres);
        await connection.OpenAsync(cancellationToken);
        await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname LIKE 'tenant\\_%'", connection);
        return Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Gives migrate-tenants something to apply on every bench tenant without shipping a dummy migration: undoes one
    /// tenant migration (AddTenantOutbox: its Down() is this DROP TABLE) and its history row, so the command
    /// re-applies a real, small DDL migration (heavier than the no-op one the target speaks of). It need not be the
    /// newest: migrate-tenants applies every migration missing from a tenant's history, and none of the later ones
    /// (AddDocumentSearchIndexes) touches outbox_messages.
    /// </summary>
    private static async Task RewindLastMigrationAsync(BenchOptions options, State state, CancellationToken cancellationToken)
    {
        if (options.Postgres is null)
        {
            return;
        }

        var watch = Stopwatch.StartNew();
        var rewound = 0;
        await Parallel.ForEachAsync(state.Tenants, new ParallelOptions { MaxDegreeOfParallelism = Clients, CancellationToken = cancellationToken }, async (tenant, ct) =>
        {
            var builder = new NpgsqlConnectionStringBuilder(options.Postgres) { Database = tenant.DatabaseName, Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(ct);
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand("DROP TABLE IF EXISTS outbox_messages"),
                    new NpgsqlBatchCommand("DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" LIKE '%\\_AddTenantOutbox'"),
                },
            };
            await batch.ExecuteNonQueryAsync(ct);
            Interlocked.Increment(ref rewound);
        });
        BenchLog.Write($"scale: rewound AddTenantOutbox on {rewound} bench tenants in {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>migrate-tenants over every tenant (bench/run.sh passes the command line); its last line and the time it took.</summary>
    private static async Task<(double Seconds, string Summary, bool Progress)> MigrateTenantsAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        if (options.MigrateCommand is null)
        {
            return (double.NaN, "no --scale-migrate command", false);
        }

        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(options.MigrateCommand);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("migrate-tenants ran over 10 minutes");
        }

        var output = await stdout + await stderr;
        var seconds = watch.Elapsed.TotalSeconds;
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var done = lines.LastOrDefault(l => l.Contains("migrate-tenants migrate done", StringComparison.Ordinal));
        var summary = done is null ? "no summary line" : done[done.IndexOf("done in", StringComparison.Ordinal)..].Trim();
        var progress = lines.Count(l => l.Contains("] tenant ", StringComparison.Ordinal));
        BenchLog.Write($"scale: migrate-tenants exit {process.ExitCode} in {seconds:0.0} s, {progress} progress lines; {summary}");
        return (seconds, $"{summary} (exit {process.ExitCode})", progress > 0 && process.ExitCode == 0);
    }

    private static List<Row> Rows(Figures small, Figures large, (double Seconds, string Summary, bool Progress) migrate)
    {
        string Cores(double c) => double.IsNaN(c) ? "–" : c.ToString("0.000", CultureInfo.InvariantCulture) + " cores";
        string Ratio(double a, double b) => Report.Ratio(a / b);
        string KiBps(double b) => double.IsNaN(b) ? "–" : (b / 1024).ToString("0.0", CultureInfo.InvariantCulture) + " KiB/s";
        string At(Figures f) => $" ({f.TenantDatabases} tenant DBs)";
        var idleServices = large.ServicesCores + large.PostgresCores;
        var idleServicesSmall = small.ServicesCores + small.PostgresCores;
        return
        [
            new Row("Idle CPU, services + PostgreSQL, 2 min", Cores(idleServices) + At(large), Cores(idleServicesSmall) + At(small),
                Ratio(idleServices, idleServicesSmall), "≤ 1.25 × at 10 tenants", Report.Check(idleServices <= 1.25 * idleServicesSmall)),
            new Row("Idle CPU, Aspire dashboard, 2 min", Cores(large.DashboardCores), Cores(small.DashboardCores),
                Ratio(large.DashboardCores, small.DashboardCores), "≤ 1.25 × at 10 tenants", Report.Check(large.DashboardCores <= 1.25 * small.DashboardCores)),
            new Row("Telemetry received by the dashboard at idle", KiBps(large.TelemetryBytesPerSecond), KiBps(small.TelemetryBytesPerSecond),
                Ratio(large.TelemetryBytesPerSecond, small.TelemetryBytesPerSecond), "reported", Verdict.Info),
            new Row("GET /api/users/me via gateway (wrk 15 s)", Report.Rps(large.UsersMeRps), Report.Rps(small.UsersMeRps),
                Ratio(large.UsersMeRps, small.UsersMeRps), "within 10 %", Report.Check(large.UsersMeRps >= 0.9 * small.UsersMeRps)),
            new Row("Login via gateway, mean", Report.Ms(large.LoginMs), Report.Ms(small.LoginMs),
                Ratio(large.LoginMs, small.LoginMs), "within 10 %", Report.Check(large.LoginMs <= 1.1 * small.LoginMs)),
            new Row($"Tenant creation, {Clients} clients ({large.Creations} / {small.Creations} tenants)",
                string.Create(CultureInfo.InvariantCulture, $"{large.CreationsPerSecond:0.0}/s, p99 {Report.Ms(large.CreationP99Ms)}"),
                string.Create(CultureInfo.InvariantCulture, $"{small.CreationsPerSecond:0.0}/s, p99 {Report.Ms(small.CreationP99Ms)}"),
                Ratio(large.CreationsPerSecond, small.CreationsPerSecond), "reported", Verdict.Info),
            new Row("GET /api/tenants/{id}/documents, untouched tenant, p99", Report.Ms(large.UntouchedDocumentsP99Ms), Report.Ms(small.UntouchedDocumentsP99Ms),
                Ratio(large.UntouchedDocumentsP99Ms, small.UntouchedDocumentsP99Ms), "< 50 ms", Report.Check(large.UntouchedDocumentsP99Ms < 50)),
            new Row("Start-up to a healthy gateway", $"{large.StartupSeconds:0.0} s", $"{small.StartupSeconds:0.0} s",
                Ratio(large.StartupSeconds, small.StartupSeconds), "≤ +10 s", Report.Check(large.StartupSeconds <= small.StartupSeconds + 10)),
            new Row($"migrate-tenants applying one migration to each bench tenant ({large.TenantDatabases} tenant DBs on the server)", $"{migrate.Seconds:0.0} s", migrate.Summary, "",
                "< 2 min, with progress", Report.Check(migrate.Seconds < 120 && migrate.Progress)),
        ];
    }

    private static async Task CleanupAsync(BenchOptions options, State state)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        using var api = PlatformApi.Create(options.Gateway, TimeSpan.FromSeconds(30));
        var deleted = 0;
        Dictionary<string, string> tokens = [];
        try
        {
            tokens = await TokensAsync(api, state.Tenants, timeout.Token);
        }
        catch (Exception ex) when (ex is BenchSkipException or HttpRequestException or TaskCanceledException)
        {
            BenchLog.Write($"scale cleanup: no tokens ({ex.Message}); dropping the databases only");
        }

        await Parallel.ForEachAsync(state.Tenants.Where(t => tokens.ContainsKey(t.Email)),
            new ParallelOptions { MaxDegreeOfParallelism = Clients, CancellationToken = timeout.Token }, async (tenant, ct) =>
        {
            try
            {
                await api.DeleteTenantAsync(tokens[tenant.Email], tenant.Id, ct);
                Interlocked.Increment(ref deleted);
            }
            catch (Exception ex) when (ex is BenchSkipException or HttpRequestException or TaskCanceledException)
            {
                // Tokens may have expired; the databases are dropped below regardless.
            }
        });

        var dropped = 0;
        if (options.Postgres is not null)
        {
            await using var dataSource = NpgsqlDataSource.Create(options.Postgres);
            foreach (var tenant in state.Tenants.Where(t => t.DatabaseName.StartsWith("tenant_bench_scale_", StringComparison.Ordinal)))
            {
                try
                {
                    await using var drop = dataSource.CreateCommand($"DROP DATABASE IF EXISTS \"{tenant.DatabaseName}\" WITH (FORCE)");
                    await drop.ExecuteNonQueryAsync(timeout.Token);
                    dropped++;
                }
                catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
                {
                    BenchLog.Write($"scale cleanup: could not drop {tenant.DatabaseName}: {ex.Message}");
                }
            }
        }

        BenchLog.Write($"scale cleanup: {deleted}/{state.Tenants.Count} tenants deleted through the API, {dropped} databases dropped");
        File.Delete(options.ScaleState);
    }
}
