using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Xunit.Abstractions;

namespace SaasPlatform.EndToEndTests;

/// <summary>Crashes and starts one service of the running platform.</summary>
internal static class ResourceRestarts
{
    /// <summary>
    /// Kills the service's processes (SIGKILL: nothing of its in-memory state survives, nothing is flushed), found by
    /// their command line and by this run's Kafka port in their environment (every service has the broker's address),
    /// and waits until Aspire sees it gone.
    /// A crash rather than the stop command: DCP's graceful stop gives up when a service drains for longer than it
    /// waits (seen with Events.Worker on a loaded machine), which leaves the resource in an unknown state.
    /// </summary>
    public static async Task KillAsync(PlatformFixture platform, string resource, string projectName, ITestOutputHelper output)
    {
        var thisRun = new System.Text.RegularExpressions.Regex($":{platform.KafkaPort}(?![0-9])");
        var killed = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var cmdline = File.ReadAllText(Path.Combine(directory, "cmdline"));
                if (cmdline.Contains(projectName, StringComparison.Ordinal)
                    && thisRun.IsMatch(File.ReadAllText(Path.Combine(directory, "environ"))))
                {
                    System.Diagnostics.Process.GetProcessById(pid).Kill();
                    killed.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
            {
                // Gone meanwhile, or not ours to read.
            }
        }

        Assert.NotEmpty(killed);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var state = await platform.App.ResourceNotifications.WaitForResourceAsync(resource,
            [KnownResourceStates.Exited, KnownResourceStates.Finished, KnownResourceStates.FailedToStart], timeout.Token);
        output.WriteLine($"killed {resource} ({string.Join(", ", killed)}); state {state}");
    }

    public static async Task StartAsync(PlatformFixture platform, string resource, ITestOutputHelper output)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        // A start that races the stopping resource in DCP can fail (its port not yet free): try a few times.
        for (var attempt = 1; ; attempt++)
        {
            var result = await platform.App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, timeout.Token);
            if (!result.Success)
            {
                result = await platform.App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.RestartCommand, timeout.Token);
            }

            try
            {
                Assert.True(result.Success, result.Message);
                await platform.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, timeout.Token);
                return;
            }
            catch (Exception e) when (attempt < 3 && e is DistributedApplicationException or Xunit.Sdk.TrueException)
            {
                output.WriteLine($"start {resource} attempt {attempt} failed: {e.Message}");
                await Task.Delay(TimeSpan.FromSeconds(2), timeout.Token);
            }
        }
    }
}
