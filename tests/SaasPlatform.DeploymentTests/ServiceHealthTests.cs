using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using SaasPlatform.Messaging.Kafka;

namespace SaasPlatform.DeploymentTests;

/// <summary>
/// A service's own <c>/health</c> (the checks its registrations add) is Unhealthy, naming the part, when its broker
/// or its database server cannot be reached: what the gateway's aggregate and the Kubernetes readiness probe read.
/// </summary>
public sealed class ServiceHealthTests
{
    [Fact]
    public async Task An_unreachable_broker_and_database_server_make_the_service_unhealthy_and_are_named()
    {
        var closed = ClosedPort();
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:kafka"] = $"127.0.0.1:{closed}",
            ["ConnectionStrings:postgres"] = $"Host=127.0.0.1;Port={closed};Username=tenant_data;Password=x;Database=postgres",
        });
        builder.AddKafkaProducer();
        builder.AddTenantConnections();
        using var host = builder.Build();

        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["kafka"].Status);
        Assert.Equal(HealthStatus.Unhealthy, report.Entries["tenant-server"].Status);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // released when disposed: nothing listens there afterwards
    }
}
