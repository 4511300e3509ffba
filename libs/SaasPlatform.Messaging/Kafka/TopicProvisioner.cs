using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace SaasPlatform.Messaging.Kafka;

/// <summary>
/// Creates the platform's topics (and their dead-letter topics) at start-up where the broker allows it. Existing
/// topics are fine; the dev broker creates them itself and does not support CreateTopics, which is logged and ignored.
/// Runs in the background so a slow broker does not delay start-up.
/// </summary>
internal sealed class TopicProvisioner(IOptions<KafkaOptions> options, ILogger<TopicProvisioner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        try
        {
            using var admin = new AdminClientBuilder(settings.CreateAdminConfig()).Build();
            var specs = Topics.AllWithDeadLetters.Select(topic => new TopicSpecification
            {
                Name = topic,
                NumPartitions = settings.Partitions,
                ReplicationFactor = settings.ReplicationFactor,
            });
            await admin.CreateTopicsAsync(specs, new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(10), OperationTimeout = TimeSpan.FromSeconds(10) })
                .WaitAsync(TimeSpan.FromSeconds(15), stoppingToken);
            logger.LogInformation("Created Kafka topics {Topics}", string.Join(",", Topics.AllWithDeadLetters));
        }
        catch (CreateTopicsException ex)
        {
            foreach (var result in ex.Results.Where(r => r.Error.IsError))
            {
                if (result.Error.Code == ErrorCode.TopicAlreadyExists)
                {
                    logger.LogDebug("Kafka topic {Topic} already exists", result.Topic);
                }
                else
                {
                    logger.LogWarning("Kafka topic {Topic} not created: {Reason}", result.Topic, result.Error.Reason);
                }
            }
        }
        catch (Exception ex) when (ex is KafkaException or TimeoutException)
        {
            // The librdkafka mock (dev broker) answers CreateTopics with an error; its topics exist already.
            logger.LogWarning("Kafka topics not created at start-up ({Reason}); relying on the broker to have them", ex.Message);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
