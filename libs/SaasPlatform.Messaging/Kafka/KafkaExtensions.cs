using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SaasPlatform.Messaging.Kafka;

/// <summary>The one place Kafka clients are configured: connection string, options, health check, topics.</summary>
public static class KafkaExtensions
{
    /// <summary>
    /// Binds <see cref="KafkaOptions"/> (bootstrap servers from <c>ConnectionStrings:kafka</c>, the rest from the
    /// <c>Kafka</c> section). Idempotent.
    /// </summary>
    public static IHostApplicationBuilder AddKafkaOptions(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(s => s.ServiceType == typeof(KafkaOptionsMarker)))
        {
            return builder;
        }

        builder.Services.AddSingleton<KafkaOptionsMarker>();
        builder.Services.AddOptions<KafkaOptions>()
            .Bind(builder.Configuration.GetSection(KafkaOptions.SectionName))
            .Configure(options =>
            {
                var connectionString = builder.Configuration.GetConnectionString(KafkaOptions.ConnectionStringName);
                if (!string.IsNullOrWhiteSpace(connectionString))
                {
                    options.BootstrapServers = connectionString;
                }

                if (options.ClientId == "saas-platform")
                {
                    options.ClientId = builder.Environment.ApplicationName;
                }
            })
            .Validate(o => !string.IsNullOrWhiteSpace(o.BootstrapServers), "ConnectionStrings:kafka is not set")
            .Validate(o => o.FetchWaitMaxMs is >= 0 and <= 300_000, "Kafka:FetchWaitMaxMs must be between 0 and 300000")
            .Validate(o => o.SecurityProtocol is not (SecurityProtocol.SaslPlaintext or SecurityProtocol.SaslSsl)
                || (!string.IsNullOrEmpty(o.SaslUsername) && !string.IsNullOrEmpty(o.SaslPassword)),
                "Kafka:SaslUsername and Kafka:SaslPassword are required with a SASL security protocol")
            .ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// A process-wide idempotent producer (<c>IProducer&lt;string, byte[]&gt;</c>, acks=all) and a Kafka health check
    /// (Unhealthy on failure, see <see cref="KafkaHealthCheck"/>). Idempotent.
    /// </summary>
    public static IHostApplicationBuilder AddKafkaProducer(this IHostApplicationBuilder builder)
    {
        builder.AddKafkaOptions();
        if (builder.Services.Any(s => s.ServiceType == typeof(IProducer<string, byte[]>)))
        {
            return builder;
        }

        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<KafkaOptions>>().Value;
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("SaasPlatform.Messaging.Kafka.Producer");
            return new ProducerBuilder<string, byte[]>(options.CreateProducerConfig())
                .SetLogHandler((_, message) => LogClientMessage(logger, message))
                .SetErrorHandler((_, error) => LogClientError(logger, error))
                .Build();
        });
        builder.Services.AddHealthChecks()
            .AddCheck<KafkaHealthCheck>("kafka", failureStatus: HealthStatus.Unhealthy, tags: ["kafka"]);
        return builder;
    }

    /// <summary>Creates the platform's topics at start-up where the broker supports it (the worker calls this).</summary>
    public static IHostApplicationBuilder AddKafkaTopics(this IHostApplicationBuilder builder)
    {
        builder.AddKafkaOptions();
        builder.Services.AddHostedService<TopicProvisioner>();
        return builder;
    }

    internal static void LogClientMessage(ILogger logger, LogMessage message)
    {
        var level = message.Level switch
        {
            SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.Error,
            SyslogLevel.Warning => LogLevel.Warning,
            SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
            _ => LogLevel.Debug,
        };
        logger.Log(level, "librdkafka {Facility}: {Message}", message.Facility, message.Message);
    }

    internal static void LogClientError(ILogger logger, Error error)
    {
        // Broker-down errors are expected during outages and retried by librdkafka; only fatal ones need attention.
        if (error.IsFatal)
        {
            logger.LogError("Kafka fatal error {Code}: {Reason}", error.Code, error.Reason);
        }
        else
        {
            logger.LogWarning("Kafka error {Code}: {Reason}", error.Code, error.Reason);
        }
    }

    private sealed class KafkaOptionsMarker;
}
