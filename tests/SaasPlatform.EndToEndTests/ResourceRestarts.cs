using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Xunit.Abstractions;

namespace SaasPlatform.EndToEndTests;

/// <summary>Stops and starts one service of the running platform, as a crash and a restart would.</summary>
internal static class ResourceRestarts
{
    public static async Task StopAsync(PlatformFixture platform, string resource, ITestOutputHelper output)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await platform.App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, timeout.Token);
        // The command gives up after about 15 s while a service may still be draining (a loaded machine): what counts
        // is that the process ends.
        var state = await platform.App.ResourceNotifications.WaitForResourceAsync(resource,
            [KnownResourceStates.Exited, KnownResourceStates.Finished, "Terminated"], timeout.Token);
        output.WriteLine($"stop {resource}: {(result.Success ? "ok" : result.Message)}; state {state}");
    }

    public static async Task StartAsync(PlatformFixture platform, string resource, ITestOutputHelper output)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        // A start that races the stopping resource in DCP can fail (its port not yet free): try a few times.
        for (var attempt = 1; ; attempt++)
        {
            var result = await platform.App.ResourceCommands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, timeout.Token);
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
