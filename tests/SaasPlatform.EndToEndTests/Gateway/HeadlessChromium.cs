using System.Diagnostics;

namespace SaasPlatform.EndToEndTests.Gateway;

/// <summary>Debian's Chromium, headless, as a person's browser would load a page (installed by eng/install-prereqs.sh).</summary>
internal static class HeadlessChromium
{
    public static async Task<string> DumpDomAsync(Uri page)
    {
        var profile = Directory.CreateTempSubdirectory("chromium-").FullName;
        try
        {
            var start = new ProcessStartInfo("chromium")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in new[]
            {
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                $"--user-data-dir={profile}", "--virtual-time-budget=15000", "--dump-dom", page.ToString(),
            })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start) ?? throw new InvalidOperationException("chromium did not start");
            var dom = process.StandardOutput.ReadToEndAsync();
            _ = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            await process.WaitForExitAsync(timeout.Token);
            return await dom;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }
}
