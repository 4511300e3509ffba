using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace SaasPlatform.Bench;

public sealed record WrkResult(double RequestsPerSecond, double P50Ms, double P99Ms, long Requests, long Errors)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{RequestsPerSecond:0} rps, p50 {P50Ms:0.00} ms, p99 {P99Ms:0.00} ms, {Requests} requests, {Errors} errors");
}

/// <summary>Runs wrk (<c>--latency</c>) as a process and parses its report. Bounded: killed if it overruns.</summary>
public static partial class Wrk
{
    public static async Task<WrkResult> RunAsync(BenchOptions options, Uri url, string? bearer, TimeSpan? duration = null, CancellationToken cancellationToken = default)
    {
        var seconds = (int)Math.Ceiling((duration ?? options.WrkDuration).TotalSeconds);
        var start = new ProcessStartInfo("wrk")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { $"-t{options.WrkThreads}", $"-c{options.WrkConnections}", $"-d{seconds}s", "--timeout", "5s", "--latency" })
        {
            start.ArgumentList.Add(arg);
        }

        if (bearer is not null)
        {
            start.ArgumentList.Add("-H");
            start.ArgumentList.Add($"Authorization: Bearer {bearer}");
        }

        start.ArgumentList.Add(url.ToString());
        using var process = Process.Start(start) ?? throw new InvalidOperationException("wrk did not start (apt-get install -y wrk)");
        using var overrun = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        overrun.CancelAfter(TimeSpan.FromSeconds(seconds + 30));
        var stdout = process.StandardOutput.ReadToEndAsync(overrun.Token);
        var stderr = process.StandardError.ReadToEndAsync(overrun.Token);
        try
        {
            await process.WaitForExitAsync(overrun.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"wrk on {url} overran");
        }

        var output = await stdout;
        var errors = await stderr;
        var result = Parse(output);
        if (result is null)
        {
            throw new InvalidOperationException($"Unreadable wrk output for {url}: {output} {errors}");
        }

        BenchLog.Write($"wrk {url}: {result}");
        return result;
    }

    public static WrkResult? Parse(string output)
    {
        var rps = RequestsPerSecondPattern().Match(output);
        var requests = RequestsPattern().Match(output);
        if (!rps.Success || !requests.Success)
        {
            return null;
        }

        long errors = 0;
        if (NonSuccessPattern().Match(output) is { Success: true } non2xx)
        {
            errors += long.Parse(non2xx.Groups[1].Value, CultureInfo.InvariantCulture);
        }

        if (SocketErrorsPattern().Match(output) is { Success: true } socket)
        {
            for (var group = 1; group <= 4; group++)
            {
                errors += long.Parse(socket.Groups[group].Value, CultureInfo.InvariantCulture);
            }
        }

        return new WrkResult(
            double.Parse(rps.Groups[1].Value, CultureInfo.InvariantCulture),
            Latency(output, "50%"),
            Latency(output, "99%"),
            long.Parse(requests.Groups[1].Value, CultureInfo.InvariantCulture),
            errors);
    }

    private static double Latency(string output, string percentile)
    {
        var match = Regex.Match(output, $@"^\s*{Regex.Escape(percentile)}\s+([\d.]+)(us|ms|s|m)\s*$", RegexOptions.Multiline, TimeSpan.FromSeconds(1));
        if (!match.Success)
        {
            return double.NaN;
        }

        var value = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        return match.Groups[2].Value switch
        {
            "us" => value / 1000,
            "ms" => value,
            "s" => value * 1000,
            _ => value * 60_000,
        };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex RequestsPerSecondPattern();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex RequestsPattern();

    [GeneratedRegex(@"Non-2xx or 3xx responses: (\d+)")]
    private static partial Regex NonSuccessPattern();

    [GeneratedRegex(@"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")]
    private static partial Regex SocketErrorsPattern();
}
