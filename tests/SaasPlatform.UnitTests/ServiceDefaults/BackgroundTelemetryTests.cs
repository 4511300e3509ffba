using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;
using SaasPlatform.ServiceDefaults.Telemetry;

namespace SaasPlatform.UnitTests.ServiceDefaults;

/// <summary>An idle platform sends no traces and no Information logs from its background polling.</summary>
public sealed class BackgroundTelemetryTests
{
    private static readonly Sampler Sampler = BackgroundSpanSampler.Create();

    [Theory]
    [InlineData(ActivityKind.Client, SamplingDecision.Drop)] // a poll or a job's database command, started by nothing
    [InlineData(ActivityKind.Server, SamplingDecision.RecordAndSample)] // a request
    [InlineData(ActivityKind.Consumer, SamplingDecision.RecordAndSample)] // an event
    [InlineData(ActivityKind.Producer, SamplingDecision.RecordAndSample)] // a publish
    [InlineData(ActivityKind.Internal, SamplingDecision.RecordAndSample)] // the platform's own operations
    public void Roots_are_kept_unless_they_are_outgoing_calls(ActivityKind kind, SamplingDecision expected) =>
        Assert.Equal(expected, Sampler.ShouldSample(new SamplingParameters(default, ActivityTraceId.CreateRandom(), "span", kind)).Decision);

    [Theory]
    [InlineData(ActivityTraceFlags.Recorded, SamplingDecision.RecordAndSample)] // a request's own database command
    [InlineData(ActivityTraceFlags.None, SamplingDecision.Drop)] // the server side of a dropped poll
    public void Spans_with_a_parent_follow_it(ActivityTraceFlags parentFlags, SamplingDecision expected)
    {
        var parent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), parentFlags, isRemote: true);
        foreach (var kind in new[] { ActivityKind.Client, ActivityKind.Server })
        {
            Assert.Equal(expected, Sampler.ShouldSample(new SamplingParameters(parent, parent.TraceId, "span", kind)).Decision);
        }
    }

    [Fact]
    public void A_service_logs_outgoing_calls_and_resilience_attempts_only_from_warnings_up()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.AddServiceDefaults();
        using var host = builder.Build();
        var loggers = host.Services.GetRequiredService<ILoggerFactory>();

        foreach (var category in new[] { "System.Net.Http.HttpClient.Revocations.LogicalHandler", "System.Net.Http.HttpClient.Default.ClientHandler", "Polly" })
        {
            var logger = loggers.CreateLogger(category);
            Assert.False(logger.IsEnabled(LogLevel.Information), category);
            Assert.True(logger.IsEnabled(LogLevel.Warning), category);
        }

        Assert.True(loggers.CreateLogger("Documents.Api.Features.Documents.UploadDocument").IsEnabled(LogLevel.Information));
    }
}
