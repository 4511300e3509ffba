using System.Diagnostics;
using System.Globalization;
using SaasPlatform.Bench;
using SaasPlatform.Bench.Measurements;

// Runs the measurements against a platform that is already up (bench/run.sh starts one) and prints one markdown
// table on stdout; progress and raw figures go to stderr and the log file.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

BenchLog.Open(options.LogPath);
// Bounded as a whole, whatever the platform does.
using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(45));
// SIGTERM/Ctrl+C: stop measuring and still print the table of what was measured.
using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Interrupt);
using var onInt = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Interrupt);
var cleanup = new Cleanup();
var rows = new List<Row>();
var watch = Stopwatch.StartNew();

async Task Part(string part, Func<Task<IReadOnlyList<Row>>> measure)
{
    if (!options.Runs(part) || budget.IsCancellationRequested)
    {
        return;
    }

    BenchLog.Write($"== {part}");
    try
    {
        var measured = await measure();
        rows.AddRange(measured);
        BenchLog.WriteFileOnly(Report.ToMarkdown(measured, $"rows so far ({part})"));
    }
    catch (OperationCanceledException) when (budget.IsCancellationRequested)
    {
        BenchLog.Write($"{part} interrupted");
        rows.Add(Row.NotMeasured(part, "", "interrupted (time budget or signal)"));
    }
    catch (Exception ex) when (ex is BenchSkipException or HttpRequestException or TimeoutException or Npgsql.NpgsqlException or InvalidOperationException)
    {
        BenchLog.Write($"{part} failed: {ex}");
        rows.Add(Row.NotMeasured(part, "", ex.Message));
    }
}

await Part("reads", () => ReadThroughput.RunAsync(options, budget.Token));
await Part("login", () => LoginLatency.RunAsync(options, budget.Token));
await Part("tenants", () => TenantCreation.RunAsync(options, cleanup, budget.Token));
await Part("upload", () => Uploads.RunAsync(options, cleanup, budget.Token));
await Part("events", () => EventLatency.RunAsync(options, cleanup, budget.Token));
await Part("search", () => DocumentSearch.RunAsync(options, cleanup, budget.Token));
await Part("scale", () => TenantScale.RunAsync(options, budget.Token));
await Part("export", () => TenantExportImport.RunAsync(options, cleanup, budget.Token));
await cleanup.RunAsync(options);

var heading = string.Create(CultureInfo.InvariantCulture,
    $"### SaasPlatform benchmarks, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, median of {options.Repeat} repetitions ({watch.Elapsed.TotalMinutes:0.0} min)");
var table = Report.ToMarkdown(rows, heading);
BenchLog.WriteFileOnly(table);
BenchLog.Close();
Console.WriteLine(table);
return rows.Any(r => r.Verdict == Verdict.Missed) ? 1 : 0;

void Interrupt(System.Runtime.InteropServices.PosixSignalContext context)
{
    context.Cancel = true;
    BenchLog.Write($"{context.Signal}: stopping after the current step");
    budget.Cancel();
}
