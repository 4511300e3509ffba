namespace SaasPlatform.Bench;

/// <summary>
/// Where the platform runs and what to measure. Every address must be loopback: the benchmark never sends traffic
/// anywhere else. The PostgreSQL connection (server only, no database) comes from <c>BENCH_POSTGRES</c> so the
/// password never shows on a command line.
/// </summary>
public sealed record BenchOptions
{
    public static readonly string[] AllParts = ["reads", "login", "tenants", "upload", "events", "search", "scale", "export"];

    /// <summary>Parts run when none are named: <c>scale</c> only runs when asked for (bench/run.sh --tenants N).</summary>
    public static readonly string[] DefaultParts = ["reads", "login", "tenants", "upload", "events", "search"];

    public Uri Gateway { get; init; } = new("http://localhost:5105");

    public Uri Identity { get; init; } = new("http://localhost:5101");

    public Uri Tenancy { get; init; } = new("http://localhost:5102");

    public Uri Documents { get; init; } = new("http://localhost:5103");

    public Uri S3 { get; init; } = new("http://127.0.0.1:19000");

    public string Bucket { get; init; } = "saas-platform-files";

    public string? Postgres { get; init; } = Environment.GetEnvironmentVariable("BENCH_POSTGRES");

    public IReadOnlyList<string> Parts { get; init; } = DefaultParts;

    /// <summary>Part <c>scale</c>: which phase (small, grow, large, cleanup) and the state file between phases.</summary>
    public string ScalePhase { get; init; } = "small";

    public string ScaleState { get; init; } = Path.Combine(Path.GetTempPath(), "saasplatform-bench-scale.json");

    /// <summary>How many bench tenants the scale part grows to.</summary>
    public int ScaleTenants { get; init; } = 1000;

    /// <summary>The idle window CPU is measured over, and the wait before it (start-up work settling).</summary>
    public TimeSpan ScaleIdle { get; init; } = TimeSpan.FromMinutes(2);

    public TimeSpan ScaleSettle { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Start-up time to a healthy gateway, measured by bench/run.sh.</summary>
    public double ScaleStartupSeconds { get; init; } = double.NaN;

    /// <summary>The shell command that runs migrate-tenants (bench/run.sh builds it).</summary>
    public string? MigrateCommand { get; init; }

    /// <summary>How often every measurement is repeated; the median is reported.</summary>
    public int Repeat { get; init; } = 3;

    /// <summary>wrk's duration per run.</summary>
    public TimeSpan WrkDuration { get; init; } = TimeSpan.FromSeconds(20);

    public int WrkThreads { get; init; } = 2;

    public int WrkConnections { get; init; } = 32;

    public int Logins { get; init; } = 20;

    public int TenantCreations { get; init; } = 20;

    public long UploadBytes { get; init; } = 100L * 1024 * 1024;

    /// <summary>The upload during which Documents.Api's memory is sampled.</summary>
    public long LargeUploadBytes { get; init; } = 1024L * 1024 * 1024;

    public int Events { get; init; } = 1000;

    /// <summary>Operations per second that emit the measured events (latency, not a saturation test).</summary>
    public int EventsPerSecond { get; init; } = 50;

    /// <summary>A value only this run's services carry in their environment (<c>Bench__RunId</c>): finds their pids.</summary>
    public string? RunMarker { get; init; } = Environment.GetEnvironmentVariable("BENCH_RUN_ID");

    /// <summary>Where the details of every run go (the table goes to stdout).</summary>
    public string LogPath { get; init; } = Path.Combine(Path.GetTempPath(), "saasplatform-bench.log");

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--gateway" => options with { Gateway = Loopback(Value()) },
                "--identity" => options with { Identity = Loopback(Value()) },
                "--tenancy" => options with { Tenancy = Loopback(Value()) },
                "--documents" => options with { Documents = Loopback(Value()) },
                "--s3" => options with { S3 = Loopback(Value()) },
                "--bucket" => options with { Bucket = Value() },
                "--parts" => options with { Parts = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) },
                "--repeat" => options with { Repeat = Math.Clamp(int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture), 1, 9) },
                "--wrk-seconds" => options with { WrkDuration = TimeSpan.FromSeconds(Math.Clamp(int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture), 1, 120)) },
                "--events" => options with { Events = Math.Clamp(int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture), 10, 10_000) },
                "--events-per-second" => options with { EventsPerSecond = Math.Clamp(int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture), 1, 1000) },
                "--large-upload-mb" => options with { LargeUploadBytes = Math.Clamp(long.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture), 1, 4096) * 1024 * 1024 },
                "--log" => options with { LogPath = Value() },
                "--scale-phase" => options with { ScalePhase = Value() },
                "--scale-state" => options with { ScaleState = Value() },
                "--scale-tenants" => options with { ScaleTenants = Math.Clamp(int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture), 10, 5000) },
                "--scale-idle-seconds" => options with { ScaleIdle = TimeSpan.FromSeconds(Math.Clamp(int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture), 5, 600)) },
                "--scale-settle-seconds" => options with { ScaleSettle = TimeSpan.FromSeconds(Math.Clamp(int.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture), 0, 600)) },
                "--scale-startup-seconds" => options with { ScaleStartupSeconds = double.Parse(Value(), System.Globalization.CultureInfo.InvariantCulture) },
                "--scale-migrate" => options with { MigrateCommand = Value() },
                _ => throw new ArgumentException($"Unknown option {name}"),
            };
        }

        var unknown = options.Parts.Except(AllParts, StringComparer.Ordinal).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"Unknown part(s) {string.Join(", ", unknown)}; known: {string.Join(", ", AllParts)}");
        }

        return options;
    }

    public bool Runs(string part) => Parts.Contains(part, StringComparer.Ordinal);

    /// <summary>Only loopback targets: this is a load generator.</summary>
    private static Uri Loopback(string value)
    {
        var uri = new Uri(value);
        var loopback = uri.IsLoopback || (System.Net.IPAddress.TryParse(uri.Host, out var address) && System.Net.IPAddress.IsLoopback(address));
        return loopback ? uri : throw new ArgumentException($"{value} is not a loopback address; the benchmark only targets this machine");
    }
}
