using System.Diagnostics;
using System.Globalization;

namespace SaasPlatform.Bench;

/// <summary>
/// Finds this run's service processes (their environment carries <c>Bench__RunId=&lt;marker&gt;</c>, set through the
/// AppHost's service overrides) and samples a process's resident memory from <c>/proc/&lt;pid&gt;/status</c>.
/// </summary>
public static class ProcessMemory
{
    public static int? FindService(string marker, string projectName)
    {
        var needle = $"Bench__RunId={marker}";
        var candidates = new List<(int Pid, string[] Args)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                var environment = File.ReadAllText(Path.Combine(directory, "environ"));
                if (!environment.Split('\0').Contains(needle, StringComparer.Ordinal))
                {
                    continue;
                }

                var args = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0', StringSplitOptions.RemoveEmptyEntries);
                if (args.Any(a => a.Contains(projectName, StringComparison.Ordinal)))
                {
                    candidates.Add((pid, args));
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A process that ended meanwhile, or one we may not read.
            }
        }

        // `dotnet run` (if used to launch it) is a wrapper; the service itself is the one that is not "run".
        return candidates.Where(c => !c.Args.Contains("run", StringComparer.Ordinal)).Select(c => (int?)c.Pid).FirstOrDefault()
            ?? candidates.Select(c => (int?)c.Pid).FirstOrDefault();
    }

    /// <summary>VmRSS in bytes.</summary>
    public static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kib = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"No VmRSS for {pid}");
    }

    /// <summary>Samples VmRSS every few milliseconds until disposed; <see cref="Peak"/> is the highest seen.</summary>
    public sealed class Sampler : IAsyncDisposable
    {
        // Not disposed: it owns no timer, and the sampling loop may still observe it while stopping.
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Sampler(int pid, TimeSpan interval)
        {
            Start = ResidentBytes(pid);
            Peak = Start;
            _loop = Task.Run(async () =>
            {
                var watch = Stopwatch.StartNew();
                // Bounded: at most an hour of sampling even if never stopped.
                while (!_stop.IsCancellationRequested && watch.Elapsed < TimeSpan.FromHours(1))
                {
                    try
                    {
                        Peak = Math.Max(Peak, ResidentBytes(pid));
                        Samples++;
                        await Task.Delay(interval, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    catch (IOException)
                    {
                        break;
                    }
                }
            });
        }

        public long Start { get; }

        public long Peak { get; private set; }

        public int Samples { get; private set; }

        /// <summary>Stops sampling; safe to call more than once.</summary>
        public async ValueTask DisposeAsync()
        {
            if (!_stop.IsCancellationRequested)
            {
                await _stop.CancelAsync();
            }

            await _loop;
        }
    }
}

/// <summary>
/// CPU time a process has used (user + system, from <c>/proc/&lt;pid&gt;/stat</c>): divided by the requests served it
/// gives CPU per request, a figure that stays meaningful when a shared machine gives the process little CPU.
/// </summary>
public static class ProcessCpu
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan Used(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // Fields after the command name, which is in parentheses and may contain spaces.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    public static TimeSpan? TryUsed(int? pid)
    {
        try
        {
            return pid is null ? null : Used(pid.Value);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
