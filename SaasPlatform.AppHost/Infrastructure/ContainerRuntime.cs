using System.Diagnostics;

namespace SaasPlatform.AppHost.Infrastructure;

internal static class ContainerRuntime
{
    /// <summary>True when <c>docker info</c> answers within a few seconds: a client without an engine is not enough.</summary>
    public static bool IsHealthy()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("docker", "info --format {{.ServerVersion}}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            if (process is null)
            {
                return false;
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no docker client at all
        }
    }
}
