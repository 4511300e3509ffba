using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Gateway;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace SaasPlatform.UnitTests.Gateway;

/// <summary>
/// The gateway's background health aggregate. The backend services are replaced by a handler at the HTTP edge (the
/// end-to-end FoundationTests ask the real ones); everything else is the real component.
/// </summary>
public sealed class ServiceHealthTests
{
    private const string Healthy = """{"status":"healthy","checks":{"self":{"status":"healthy","description":null}}}""";

    [Fact]
    public async Task All_services_healthy_answers_200_healthy_without_failing_parts()
    {
        var backends = new Backends();
        var health = new ServiceHealth(backends.Client(), TimeProvider.System, NullLogger<ServiceHealth>.Instance);

        await health.ProbeOnceAsync(CancellationToken.None);

        var (status, body) = Read(health.Current);
        Assert.Equal(200, status);
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("SaaS Multi-Tenant Backend", body.GetProperty("service").GetString());
        Assert.False(body.TryGetProperty("failing", out _));
        Assert.Equal(ServiceHealth.Services.Order(), backends.Asked.Keys.Order());
    }

    [Fact]
    public async Task A_failing_part_is_named_with_its_service()
    {
        var backends = new Backends();
        backends.Answer("documents-api", HttpStatusCode.ServiceUnavailable,
            """{"status":"unhealthy","checks":{"self":{"status":"healthy"},"storage":{"status":"unhealthy","description":"The storage bucket is not ready"}}}""");
        backends.Fail("tenancy-api");
        var health = new ServiceHealth(backends.Client(), TimeProvider.System, NullLogger<ServiceHealth>.Instance);

        await health.ProbeOnceAsync(CancellationToken.None);

        var (status, body) = Read(health.Current);
        Assert.Equal(503, status);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        var failing = body.GetProperty("failing");
        Assert.Equal("unhealthy: The storage bucket is not ready", failing.GetProperty("documents-api/storage").GetString());
        Assert.Equal("unreachable", failing.GetProperty("tenancy-api").GetString());
        Assert.False(failing.TryGetProperty("identity-api", out _));
    }

    [Fact]
    public async Task A_degraded_broker_is_named_and_the_answer_is_not_healthy()
    {
        var backends = new Backends();
        backends.Answer("identity-api", HttpStatusCode.OK,
            """{"status":"healthy","checks":{"kafka":{"status":"degraded","description":"Kafka metadata request failed: Local_Transport"}}}""");
        var health = new ServiceHealth(backends.Client(), TimeProvider.System, NullLogger<ServiceHealth>.Instance);

        await health.ProbeOnceAsync(CancellationToken.None);

        var (status, body) = Read(health.Current);
        Assert.Equal(200, status);
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.Equal("degraded: Kafka metadata request failed: Local_Transport",
            body.GetProperty("failing").GetProperty("identity-api/kafka").GetString());
    }

    [Fact]
    public async Task A_service_that_hangs_is_unreachable_after_the_probe_timeout()
    {
        var backends = new Backends();
        backends.Hang("events-worker");
        var health = new ServiceHealth(backends.Client(), TimeProvider.System, NullLogger<ServiceHealth>.Instance);

        var started = Stopwatch.GetTimestamp();
        await health.ProbeOnceAsync(CancellationToken.None);

        Assert.InRange(Stopwatch.GetElapsedTime(started), ServiceHealth.ProbeTimeout * 0.9, TimeSpan.FromSeconds(5));
        Assert.Equal("unreachable", Read(health.Current).Body.GetProperty("failing").GetProperty("events-worker").GetString());
    }

    [Fact]
    public async Task Reads_are_served_from_memory_and_services_are_asked_at_most_once_a_second()
    {
        var backends = new Backends();
        var health = new ServiceHealth(backends.Client(), TimeProvider.System, NullLogger<ServiceHealth>.Instance);
        await health.StartAsync(CancellationToken.None);
        try
        {
            var started = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(3))
            {
                for (var i = 0; i < 1000; i++)
                {
                    _ = health.Current;
                }

                await Task.Delay(10);
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            // One round at start, then one per second: never one per read.
            Assert.InRange(health.Rounds, 1, (long)Math.Ceiling(seconds) + 1);
            Assert.All(backends.Asked.Values, asked => Assert.InRange(asked, 1, (long)Math.Ceiling(seconds) + 1));
        }
        finally
        {
            await health.StopAsync(CancellationToken.None);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_service_going_down_is_named_within_two_seconds(bool hangs)
    {
        var backends = new Backends();
        var health = new ServiceHealth(backends.Client(), TimeProvider.System, NullLogger<ServiceHealth>.Instance);
        await health.StartAsync(CancellationToken.None);
        try
        {
            await WaitUntil(() => Read(health.Current).Status == 200, TimeSpan.FromSeconds(5));
            // Go down just after a round began: the worst moment.
            var rounds = health.Rounds;
            await WaitUntil(() => health.Rounds > rounds, TimeSpan.FromSeconds(5));
            if (hangs)
            {
                backends.Hang("identity-api");
            }
            else
            {
                backends.Fail("identity-api");
            }

            var downAt = Stopwatch.GetTimestamp();
            await WaitUntil(() => Read(health.Current).Body.TryGetProperty("failing", out var f) && f.TryGetProperty("identity-api", out _),
                TimeSpan.FromSeconds(10));
            var detected = Stopwatch.GetElapsedTime(downAt);

            // The bound is 2 s (interval 1 s + timeout 0.8 s); 1 s of margin for a loaded machine.
            Assert.True(detected < TimeSpan.FromSeconds(3), $"named after {detected.TotalMilliseconds:F0} ms");
            Assert.Equal(503, Read(health.Current).Status);
        }
        finally
        {
            await health.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_stopped_probe_loop_never_leaves_an_old_healthy_answer()
    {
        var time = new FakeTimeProvider();
        var health = new ServiceHealth(new Backends().Client(), time, NullLogger<ServiceHealth>.Instance);

        Assert.Equal(503, Read(health.Current).Status); // nothing asked yet
        await health.ProbeOnceAsync(CancellationToken.None);
        Assert.Equal(200, Read(health.Current).Status);

        time.Advance(ServiceHealth.StaleAfter);
        var (status, body) = Read(health.Current);
        Assert.Equal(503, status);
        Assert.Contains("stopped", body.GetProperty("failing").GetProperty("gateway").GetString(), StringComparison.Ordinal);
    }

    private static (int Status, JsonElement Body) Read(HealthAnswerBytes answer) =>
        (answer.StatusCode, JsonSerializer.Deserialize<JsonElement>(answer.Body));

    private static async Task WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var started = Stopwatch.GetTimestamp();
        while (!condition())
        {
            Assert.True(Stopwatch.GetElapsedTime(started) < limit, "condition not reached in time");
            await Task.Delay(20);
        }
    }

    /// <summary>The backend services' /health, per host name: healthy unless told otherwise.</summary>
    private sealed class Backends : HttpMessageHandler
    {
        private readonly ConcurrentDictionary<string, Func<CancellationToken, Task<HttpResponseMessage>>> _answers = new();

        public ConcurrentDictionary<string, long> Asked { get; } = new();

        public HttpClient Client() => new(this);

        public void Answer(string service, HttpStatusCode status, string json) =>
            _answers[service] = _ => Task.FromResult(new HttpResponseMessage(status)
            {
                Content = new StringContent(json, Encoding.UTF8, "application/json"),
            });

        public void Fail(string service) =>
            _answers[service] = _ => Task.FromException<HttpResponseMessage>(new HttpRequestException("Connection refused"));

        public void Hang(string service) =>
            _answers[service] = async ct =>
            {
                await Task.Delay(Timeout.Infinite, ct);
                throw new InvalidOperationException("unreachable");
            };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var service = request.RequestUri!.Host;
            Asked.AddOrUpdate(service, 1, (_, n) => n + 1);
            return _answers.TryGetValue(service, out var answer)
                ? answer(cancellationToken)
                : Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(Healthy, Encoding.UTF8, "application/json") });
        }
    }
}
