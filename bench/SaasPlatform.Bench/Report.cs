using System.Globalization;
using System.Text;

namespace SaasPlatform.Bench;

public enum Verdict
{
    Info,
    Met,
    Missed,
    NotMeasured,
}

/// <summary>One line of the table: the platform's figure, the baseline it is compared with in the same run, and the target.</summary>
public sealed record Row(string Measurement, string Platform, string Baseline, string Ratio, string Target, Verdict Verdict)
{
    public static Row NotMeasured(string measurement, string target, string reason) =>
        new(measurement, $"not measured: {reason}", "", "", target, Verdict.NotMeasured);
}

public static class Report
{
    public static string Ms(double ms) => double.IsNaN(ms) ? "–" : ms >= 100
        ? ms.ToString("0", CultureInfo.InvariantCulture) + " ms"
        : ms.ToString("0.0#", CultureInfo.InvariantCulture) + " ms";

    public static string Rps(double rps) => rps.ToString("#,0", CultureInfo.InvariantCulture) + " rps";

    public static string Ratio(double ratio) => double.IsNaN(ratio) ? "–" : ratio.ToString("0.00", CultureInfo.InvariantCulture);

    public static string MiB(double bytes) => (bytes / (1024 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB";

    public static string MiBps(double bytesPerSecond) => (bytesPerSecond / (1024 * 1024)).ToString("0", CultureInfo.InvariantCulture) + " MiB/s";

    public static Verdict Check(bool met) => met ? Verdict.Met : Verdict.Missed;

    public static string ToMarkdown(IEnumerable<Row> rows, string heading)
    {
        var text = new StringBuilder();
        text.AppendLine(heading).AppendLine();
        text.AppendLine("| Measurement | SaasPlatform | Baseline (same run) | Ratio | Target | Result |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var row in rows)
        {
            var verdict = row.Verdict switch
            {
                Verdict.Met => "met",
                Verdict.Missed => "**missed**",
                Verdict.NotMeasured => "not measured",
                _ => "–",
            };
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {Cell(row.Measurement)} | {Cell(row.Platform)} | {Cell(row.Baseline)} | {Cell(row.Ratio)} | {Cell(row.Target)} | {verdict} |");
        }

        return text.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
