using Confluent.Kafka;

namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>
/// Healthy once the broker answers a metadata request on the address projects are given (Aspire.Hosting.Kafka's check
/// does the same with a producer): a container that runs but advertises an unreachable listener stays unhealthy.
/// </summary>
internal sealed class KafkaReadyCheck(ReferenceExpression bootstrapServers) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var servers = await bootstrapServers.GetValueAsync(cancellationToken);
        return await Task.Run(() =>
        {
            try
            {
                using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = servers, SocketTimeoutMs = 3000 })
                    .SetLogHandler((_, _) => { })
                    .Build();
                var metadata = admin.GetMetadata(TimeSpan.FromSeconds(3));
                // The broker list is what clients are redirected to: it must be the address they bootstrapped with.
                var advertised = metadata.Brokers.Select(b => $"{b.Host}:{b.Port}").ToList();
                return metadata.Brokers.Count > 0
                    ? HealthCheckResult.Healthy($"broker(s) {string.Join(", ", advertised)}")
                    : HealthCheckResult.Unhealthy("No brokers in metadata");
            }
            catch (KafkaException ex)
            {
                return HealthCheckResult.Unhealthy($"Kafka metadata request to {servers} failed: {ex.Error.Code}", ex);
            }
        }, cancellationToken);
    }
}
