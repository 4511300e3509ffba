using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Confluent.Kafka;
using Npgsql;
using SaasPlatform.AppHost.Infrastructure;

namespace SaasPlatform.DeploymentTests;

/// <summary>
/// The container mode for real: the official images started by the AppHost. Skipped (with the reason) where no
/// container runtime answers; <see cref="AppHostModelTests"/> check the same wiring without one.
/// </summary>
public sealed class ContainerFunctionalTests
{
    private static readonly TimeSpan Startup = TimeSpan.FromMinutes(10); // image pulls on a cold machine

    [RequiresContainerRuntimeFact]
    public async Task A_client_on_the_host_produces_and_consumes_through_the_Kafka_container_and_every_service_gets_healthy()
    {
        await using var app = await StartAsync();
        using var timeout = new CancellationTokenSource(Startup);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("kafka", timeout.Token);

        // What a project on the host is given; the broker then redirects the client to what it advertises.
        var bootstrap = await app.GetConnectionStringAsync("kafka", timeout.Token);
        Assert.StartsWith("localhost:", bootstrap, StringComparison.Ordinal);
        var topic = "container-check-" + Guid.NewGuid().ToString("N")[..8];
        using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = bootstrap, MessageTimeoutMs = 30_000 }).Build())
        {
            await producer.ProduceAsync(topic, new Message<string, string> { Key = "k", Value = "hello" }, timeout.Token);
        }

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig
        {
            BootstrapServers = bootstrap, GroupId = topic, AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe(topic);
        var consumed = consumer.Consume(TimeSpan.FromSeconds(60));
        Assert.Equal("hello", consumed?.Message.Value);

        foreach (var service in DeploymentFixture.Projects)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(service, timeout.Token);
        }

        using var gateway = app.CreateHttpClient("gateway", "http");
        var health = await gateway.GetFromJsonAsync<JsonElement>("/health", timeout.Token);
        Assert.Equal("healthy", health.GetProperty("status").GetString());
    }

    [RequiresContainerRuntimeFact]
    public async Task A_service_login_reaches_its_own_database_only()
    {
        await using var app = await StartAsync();
        using var timeout = new CancellationTokenSource(Startup);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("postgres", timeout.Token);

        var identity = await app.GetConnectionStringAsync("identitydb", timeout.Token);
        await using (var own = new NpgsqlConnection(identity))
        {
            await own.OpenAsync(timeout.Token);
        }

        var other = new NpgsqlConnectionStringBuilder(identity) { Database = "tenancydb" }.ConnectionString;
        var denied = await Assert.ThrowsAsync<PostgresException>(async () =>
        {
            await using var connection = new NpgsqlConnection(other);
            await connection.OpenAsync(timeout.Token);
        });
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
        Assert.Contains($"Username={DatabaseRoles.Identity}", identity, StringComparison.Ordinal);
    }

    private static async Task<DistributedApplication> StartAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SaasPlatform_AppHost>(
            ["--Platform:Infrastructure=containers", "--DOTNET_LAUNCH_PROFILE=http"]);
        var app = await builder.BuildAsync();
        using var timeout = new CancellationTokenSource(Startup);
        await app.StartAsync(timeout.Token);
        return app;
    }
}
