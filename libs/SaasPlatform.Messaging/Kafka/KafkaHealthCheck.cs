using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SaasPlatform.Messaging.Kafka;

/// <summary>
/// Asks the cluster for metadata through the shared producer's connection. Unhealthy on failure, so <c>/health</c>
/// (and the gateway's aggregate) says the broker is unreachable instead of "healthy" while events pile up in the
/// outbox. Liveness (<c>/alive</c>) does not include it: an outage takes the service out of rotation, never restarts it.
/// </summary>
internal sealed class KafkaHealthCheck(IProducer<string, byte[]> producer) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.Run(() =>
        {
            try
            {
                using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
                var metadata = admin.GetMetadata(Timeout);
                return metadata.Brokers.Count > 0
                    ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s), {metadata.Topics.Count} topic(s)")
                    : new HealthCheckResult(context.Registration.FailureStatus, "No brokers in metadata");
            }
            catch (KafkaException ex)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, $"Kafka metadata request failed: {ex.Error.Code}");
            }
        }, cancellationToken);
}
