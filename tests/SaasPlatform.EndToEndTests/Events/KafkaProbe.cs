using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace SaasPlatform.EndToEndTests.Events;

/// <summary>Clients of the dev broker that are independent of the platform's code: kcat and a plain Confluent.Kafka client.</summary>
internal static class KafkaProbe
{
    public static string Bootstrap(PlatformFixture platform) => $"127.0.0.1:{platform.KafkaPort}";

    /// <summary>Every value on <paramref name="topic"/> from the beginning, read by kcat (an independent client).</summary>
    public static async Task<string> ReadTopicWithKcatAsync(PlatformFixture platform, string topic)
    {
        var start = new ProcessStartInfo("kcat")
        {
            ArgumentList = { "-C", "-b", Bootstrap(platform), "-t", topic, "-o", "beginning", "-e", "-q", "-f", "%k\t%s\n" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kcat did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"kcat failed: {await errors}");
        return await output;
    }

    public static IProducer<string, byte[]> CreateProducer(PlatformFixture platform) =>
        new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = Bootstrap(platform),
            Acks = Acks.All,
            EnableIdempotence = true,
        }).Build();

    /// <summary>Reads <paramref name="topic"/> from the beginning with a throw-away group until <paramref name="match"/> is seen.</summary>
    public static ConsumeResult<string, byte[]>? FindMessage(PlatformFixture platform, string topic,
        Func<ConsumeResult<string, byte[]>, bool> match, TimeSpan timeout)
    {
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = Bootstrap(platform),
            GroupId = "e2e-probe-" + Guid.NewGuid(),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            SessionTimeoutMs = 6000,
        }).Build();
        consumer.Subscribe(topic);
        var clock = Stopwatch.StartNew();
        try
        {
            while (clock.Elapsed < timeout)
            {
                var result = consumer.Consume(TimeSpan.FromMilliseconds(250));
                if (result is not null && !result.IsPartitionEOF && match(result))
                {
                    return result;
                }
            }

            return null;
        }
        finally
        {
            consumer.Close();
        }
    }

    public static string? Header(ConsumeResult<string, byte[]> result, string name) =>
        result.Message.Headers is { } headers && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
