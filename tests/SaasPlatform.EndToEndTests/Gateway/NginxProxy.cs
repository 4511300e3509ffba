using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace SaasPlatform.EndToEndTests.Gateway;

/// <summary>
/// A real nginx (Debian's package, eng/install-prereqs.sh) in front of the gateway, as an ingress would be: a plain
/// process on a loopback port with its pid, logs and temp files in a scratch folder. It listens on
/// <see cref="PlatformFixture.ProxyAddress"/>, connects to every gateway instance from that same address (the test
/// run's configured trusted proxy) and appends the client's address to X-Forwarded-For.
/// </summary>
internal sealed class NginxProxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private NginxProxy(Process process, string directory, Uri address)
    {
        _process = process;
        _directory = directory;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<NginxProxy> StartAsync(IEnumerable<ServiceInstance> gateways)
    {
        var nginx = new[] { "/usr/sbin/nginx", "/usr/bin/nginx" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("nginx is not installed (eng/install-prereqs.sh installs it)");
        var directory = Directory.CreateTempSubdirectory("saasplatform-nginx-").FullName;
        var proxy = PlatformFixture.ProxyAddress;
        var port = PlatformFixture.FreePort(proxy);
        var upstreams = string.Concat(gateways.Select(g => $"    server {g.Address.Host}:{g.Address.Port};\n"));
        var config = $$"""
            {{(Environment.UserName == "root" ? "user root root;" : "")}}
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 512; }
            http {
              access_log {{directory}}/access.log;
              client_body_temp_path {{directory}}/client_body;
              proxy_temp_path {{directory}}/proxy;
              fastcgi_temp_path {{directory}}/fastcgi;
              uwsgi_temp_path {{directory}}/uwsgi;
              scgi_temp_path {{directory}}/scgi;
              upstream gateway {
            {{upstreams}}    keepalive 16;
              }
              server {
                listen {{proxy}}:{{port}};
                location / {
                  proxy_pass http://gateway;
                  proxy_http_version 1.1;
                  proxy_set_header Connection "";
                  proxy_bind {{proxy}};
                  proxy_set_header Host $host;
                  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
                  proxy_set_header X-Forwarded-Proto $scheme;
                }
              }
            }
            """;
        var configFile = Path.Combine(directory, "nginx.conf");
        await File.WriteAllTextAsync(configFile, config);
        var process = Process.Start(new ProcessStartInfo(nginx)
        {
            ArgumentList = { "-p", directory, "-e", Path.Combine(directory, "error.log"), "-c", configFile, "-g", "daemon off;" },
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("nginx did not start");
        var started = new NginxProxy(process, directory, new Uri($"http://{proxy}:{port.ToString(CultureInfo.InvariantCulture)}"));
        await started.WaitUntilListeningAsync(proxy, port);
        return started;
    }

    /// <summary>A client of the proxy whose connections come from <paramref name="clientAddress"/>.</summary>
    public HttpClient CreateClient(IPAddress clientAddress) =>
        new(PlatformFixture.BoundHandler(clientAddress)) { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

    private async Task WaitUntilListeningAsync(IPAddress address, int port)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"nginx exited with {_process.ExitCode}: {await _process.StandardError.ReadToEndAsync()} {ErrorLog()}");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(address, port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(15))
            {
                await Task.Delay(50);
            }
        }
    }

    private string ErrorLog()
    {
        var path = Path.Combine(_directory, "error.log");
        return File.Exists(path) ? File.ReadAllText(path) : "";
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
