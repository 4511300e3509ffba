using System.Net;
using DevBroker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

// A Kafka-protocol broker for local development and tests without Docker:
// librdkafka's mock cluster behind a TCP forwarder on a fixed port, plus a small HTTP control API.
var builder = WebApplication.CreateBuilder(args);
// Per-request logs drown the broker's own lines; tests poll /health a lot.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);

string[] defaultTopics = ["tenant.created", "tenant.deleted", "document.uploaded", "document.deleted", "file.process", "audit.log", "email.requested", "tenant.export_requested"];
var configuredTopics = builder.Configuration["Kafka:Topics"];
var topics = (string.IsNullOrWhiteSpace(configuredTopics)
        ? [.. defaultTopics, .. defaultTopics.Select(t => t + ".dlt")]
        : configuredTopics.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
    .Distinct(StringComparer.Ordinal)
    .ToArray();

var options = new BrokerOptions(
    Port: builder.Configuration.GetValue("Kafka:Port", 19092),
    Partitions: builder.Configuration.GetValue("Kafka:Partitions", 3),
    Topics: topics);

builder.Services.AddSingleton(options);
builder.Services.AddSingleton<Broker>();
builder.Services.AddHostedService(sp => sp.GetRequiredService<Broker>());
builder.Services.AddHealthChecks()
    .AddCheck<Broker>("kafka-mock");

var app = builder.Build();

app.MapHealthChecks("/health");
app.MapGet("/", (Broker broker) => Results.Ok(new
{
    bootstrap = broker.Bootstrap,
    topics = options.Topics,
    partitions = options.Partitions,
    up = broker.IsUp,
}));
app.MapPost("/broker/down", (Broker broker) =>
{
    broker.SetDown();
    return Results.Ok(new { up = broker.IsUp });
});
app.MapPost("/broker/up", (Broker broker) =>
{
    broker.SetUp();
    return Results.Ok(new { up = broker.IsUp });
});

app.Run();

namespace DevBroker
{
    public sealed record BrokerOptions(int Port, int Partitions, string[] Topics);

    /// <summary>Owns the mock cluster and the forwarder for the lifetime of the host.</summary>
    public sealed class Broker(BrokerOptions options, ILogger<Broker> logger) : IHostedService, IHealthCheck, IDisposable
    {
        private readonly Lock _gate = new();
        private MockCluster? _cluster;
        private TcpForwarder? _forwarder;

        public string Bootstrap => $"127.0.0.1:{options.Port}";

        public bool IsUp { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            _cluster = new MockCluster();
            var mockEndPoint = ParseEndPoint(_cluster.Bootstraps);

            // Clients bootstrap at the fixed port; Metadata must advertise it too, or they would
            // follow it to the mock's ephemeral port (which changes every run).
            _cluster.SetAdvertisedHostPort("127.0.0.1", options.Port);
            foreach (var topic in options.Topics)
            {
                _cluster.CreateTopic(topic, options.Partitions);
            }

            _forwarder = new TcpForwarder(new IPEndPoint(IPAddress.Loopback, options.Port), mockEndPoint, logger);
            _forwarder.Start();
            IsUp = true;

            logger.LogInformation(
                "Kafka mock broker (librdkafka {Version}) at {Bootstrap}, forwarding to {MockEndPoint}",
                MockCluster.Version, Bootstrap, mockEndPoint);
            logger.LogInformation("Created {TopicCount} topics with {Partitions} partitions: {Topics}",
                options.Topics.Length, options.Partitions, string.Join(",", options.Topics));
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Dispose();
            logger.LogInformation("Kafka mock broker stopped");
            return Task.CompletedTask;
        }

        public void SetDown()
        {
            lock (_gate)
            {
                // Refuse at the fixed port first, then drop the mock's own connections.
                _forwarder?.Stop();
                _cluster?.SetDown();
                IsUp = false;
            }

            logger.LogWarning("Broker {BrokerId} set DOWN (simulated outage)", MockCluster.BrokerId);
        }

        public void SetUp()
        {
            lock (_gate)
            {
                _cluster?.SetUp();
                _forwarder?.Start();
                IsUp = _cluster is not null;
            }

            logger.LogInformation("Broker {BrokerId} set UP", MockCluster.BrokerId);
        }

        // Healthy means the process hosts a cluster; a simulated outage is a test control, not ill health.
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(_cluster is null ? HealthCheckResult.Unhealthy("mock cluster not started") : HealthCheckResult.Healthy());

        public void Dispose()
        {
            lock (_gate)
            {
                _forwarder?.Dispose();
                _forwarder = null;
                _cluster?.Dispose();
                _cluster = null;
                IsUp = false;
            }
        }

        // The mock returns "host:port[,host:port...]"; with one broker there is exactly one.
        private static IPEndPoint ParseEndPoint(string bootstraps)
        {
            var first = bootstraps.Split(',')[0];
            var colon = first.LastIndexOf(':');
            var host = first[..colon];
            var address = host == "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
            return new IPEndPoint(address, int.Parse(first[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
