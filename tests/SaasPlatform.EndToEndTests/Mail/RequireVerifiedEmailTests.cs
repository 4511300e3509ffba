using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Xunit.Abstractions;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Mail;

/// <summary>
/// <c>Identity:RequireVerifiedEmail=true</c>. The platform's AppHost keeps the default (false), which every other test
/// relies on, so this test starts a second Identity.Api process beside the platform's own: the same binary, the same
/// environment (database, Kafka, Vault, signing keys), one setting changed and its own port.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RequireVerifiedEmailTests(PlatformFixture platform, ITestOutputHelper output) : IDisposable
{
    private readonly MailDevApi _mail = new(platform);

    public void Dispose() => _mail.Dispose();

    [Fact]
    public async Task With_verification_required_login_is_refused_until_the_mailed_link_is_followed()
    {
        await using var strict = await IdentityCopy.StartAsync(platform, output, ("Identity__RequireVerifiedEmail", "true"));
        using var gateway = platform.CreateGatewayClient();
        var email = UniqueEmail("strict");
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(gateway, email)).StatusCode);

        await AssertErrorAsync(await LoginAsync(strict.Client, email), HttpStatusCode.Forbidden, "email_not_verified");
        // The platform's own instance keeps the default: the same account logs in there.
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(gateway, email)).StatusCode);

        var mail = await _mail.WaitForAsync(email, "Confirm your e-mail address");
        var (_, token) = mail.TokenLink();
        Assert.Equal(HttpStatusCode.OK, (await gateway.PostAsJsonAsync("/api/auth/verify-email", new { token })).StatusCode);

        var login = await LoginAsync(strict.Client, email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.True((await login.JsonAsync()).GetProperty("user").GetProperty("email_verified").GetBoolean());
    }

    /// <summary>A copy of the platform's running Identity.Api process with some settings changed, on its own port.</summary>
    private sealed class IdentityCopy : IAsyncDisposable
    {
        private readonly Process _process;

        private IdentityCopy(Process process, Uri address)
        {
            _process = process;
            Client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
        }

        public HttpClient Client { get; }

        public static async Task<IdentityCopy> StartAsync(PlatformFixture platform, ITestOutputHelper output, params (string Name, string Value)[] settings)
        {
            var pid = await ServiceProcess.FindAsync(platform, "identity-api", "Identity.Api");
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Split('\0', StringSplitOptions.RemoveEmptyEntries);
            var start = new ProcessStartInfo(commandLine[0])
            {
                WorkingDirectory = new DirectoryInfo($"/proc/{pid}/cwd").LinkTarget ?? Environment.CurrentDirectory,
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var argument in commandLine.Skip(1))
            {
                start.ArgumentList.Add(argument);
            }

            start.Environment.Clear();
            foreach (var variable in File.ReadAllText($"/proc/{pid}/environ").Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = variable.IndexOf('=', StringComparison.Ordinal);
                var name = variable[..equals];
                // Its own port: whatever told the original where to listen goes.
                if (!name.StartsWith("Kestrel__Endpoints__", StringComparison.Ordinal) && !name.EndsWith("HTTP_PORTS", StringComparison.Ordinal)
                    && !name.EndsWith("HTTPS_PORTS", StringComparison.Ordinal))
                {
                    start.Environment[name] = variable[(equals + 1)..];
                }
            }

            var address = new Uri($"http://127.0.0.1:{PlatformFixture.FreePort(IPAddress.Loopback)}");
            start.Environment["ASPNETCORE_URLS"] = address.ToString();
            foreach (var (name, value) in settings)
            {
                start.Environment[name] = value;
            }

            var process = Process.Start(start)!;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var copy = new IdentityCopy(process, address);
            await copy.WaitUntilHealthyAsync(output);
            return copy;
        }

        private async Task WaitUntilHealthyAsync(ITestOutputHelper output)
        {
            var stopwatch = Stopwatch.StartNew();
            while (true)
            {
                Assert.False(_process.HasExited, $"the Identity.Api copy exited with {(_process.HasExited ? _process.ExitCode : 0)}");
                try
                {
                    if ((await Client.GetAsync("/health")).IsSuccessStatusCode)
                    {
                        output.WriteLine($"Identity.Api copy healthy at {Client.BaseAddress} after {stopwatch.ElapsedMilliseconds} ms");
                        return;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                Assert.True(stopwatch.Elapsed < TimeSpan.FromMinutes(2), "the Identity.Api copy did not become healthy within 2 minutes");
                await Task.Delay(250);
            }
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }
    }
}
