using System.Globalization;

namespace SaasPlatform.Bench;

/// <summary>
/// Where a measurement's CPU went, process by process: every process's utime+stime from <c>/proc/&lt;pid&gt;/stat</c>
/// before and after, grouped by what it is (this run's services by their <c>Bench__RunId</c> marker, Aspire's DCP,
/// wrk, PostgreSQL, the S3 stand-in, ...), and the machine's idle time from <c>/proc/stat</c>. It is the profile
/// behind a missed target: it tells whether the time goes to the platform's own processes or to what carries the
/// requests to them.
/// </summary>
public sealed class CpuProfile
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    private readonly Dictionary<int, (string Group, long Ticks)> _before;
    private readonly (long Total, long Idle) _machineBefore;
    private readonly string? _marker;

    private CpuProfile(string? marker)
    {
        _marker = marker;
        _machineBefore = Machine();
        _before = Processes(marker);
    }

    /// <summary>Starts counting now.</summary>
    public static CpuProfile Start(string? runMarker) => new(runMarker);

    /// <summary>CPU milliseconds per group since <see cref="Start"/>, largest first, with the machine's idle share.</summary>
    public Result Stop()
    {
        var after = Processes(_marker);
        var machine = Machine();
        var groups = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (pid, (group, ticks)) in after)
        {
            // A process that started meanwhile counts from zero.
            var used = ticks - (_before.TryGetValue(pid, out var earlier) ? earlier.Ticks : 0);
            if (used > 0)
            {
                groups[group] = groups.GetValueOrDefault(group) + used;
            }
        }

        var total = machine.Total - _machineBefore.Total;
        var idle = total > 0 ? (double)(machine.Idle - _machineBefore.Idle) / total : double.NaN;
        return new Result(
            groups.OrderByDescending(g => g.Value).Select(g => (g.Key, g.Value * 1000 / TicksPerSecond)).ToList(),
            idle);
    }

    /// <param name="Groups">CPU milliseconds used per group.</param>
    /// <param name="IdleShare">The machine's idle share of the interval (0-1).</param>
    public sealed record Result(IReadOnlyList<(string Group, double CpuMs)> Groups, double IdleShare)
    {
        /// <summary>"wrk 0.061 ms, DCP 0.140 ms, ..." per unit of work (a request, a login, an upload), the top groups.</summary>
        public string PerUnit(double units, string unit, int top = 7)
        {
            var parts = Groups.Take(top).Select(g => string.Create(CultureInfo.InvariantCulture,
                $"{g.Group} {Format(g.CpuMs / units)}"));
            var rest = Groups.Skip(top).Sum(g => g.CpuMs);
            var restText = rest > 0 ? string.Create(CultureInfo.InvariantCulture, $", rest {Format(rest / units)}") : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"CPU per {unit}: {string.Join(", ", parts)}{restText}; machine idle {IdleShare:P0}");
        }

        private static string Format(double ms) =>
            ms >= 10 ? ms.ToString("0", CultureInfo.InvariantCulture) + " ms" : ms.ToString("0.000", CultureInfo.InvariantCulture) + " ms";
    }

    private static (long Total, long Idle) Machine()
    {
        // "cpu  user nice system idle iowait irq softirq steal ..."
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        return (fields.Take(8).Sum(), fields[3] + fields[4]);
    }

    private static Dictionary<int, (string Group, long Ticks)> Processes(string? marker)
    {
        var processes = new Dictionary<int, (string, long)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                processes[pid] = (GroupOf(pid, directory, marker), ticks);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        return processes;
    }

    private static string GroupOf(int pid, string directory, string? marker)
    {
        if (pid == Environment.ProcessId)
        {
            return "bench process";
        }

        var command = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
        if (command.Length == 0)
        {
            return "kernel";
        }

        string[] services = ["Gateway", "Identity.Api", "Tenancy.Api", "Documents.Api", "Events.Worker"];
        if (services.FirstOrDefault(s => command.Contains(s, StringComparison.Ordinal)) is { } service)
        {
            // Only this run's: other platforms on the machine (test runs) are someone else's load.
            var ours = marker is not null && File.ReadAllText(Path.Combine(directory, "environ")).Contains($"Bench__RunId={marker}", StringComparison.Ordinal);
            return ours ? service : "other platforms' services";
        }

        var program = Path.GetFileName(command.Split(' ')[0]);
        return program switch
        {
            "wrk" => "wrk",
            "dcp" or "dcpctrl" or "dcpproc" => "DCP (Aspire's proxies)",
            _ when program.StartsWith("postgres", StringComparison.Ordinal) => "PostgreSQL",
            _ when command.Contains("s3rver", StringComparison.Ordinal) => "S3 stand-in (s3rver)",
            _ when command.Contains("Aspire.Dashboard", StringComparison.Ordinal) => "dashboard",
            _ when command.Contains("DevBroker", StringComparison.Ordinal) => "Kafka stand-in",
            _ when command.Contains("SaasPlatform.AppHost", StringComparison.Ordinal) => "AppHost",
            _ => "other",
        };
    }
}
