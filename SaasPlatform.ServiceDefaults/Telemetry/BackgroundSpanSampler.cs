using System.Diagnostics;
using OpenTelemetry.Trace;

namespace SaasPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// The root sampler of every service (under <see cref="ParentBasedSampler"/>, so a span with a parent follows its
/// parent): a trace that starts with an outgoing call (kind Client: an HTTP request or a database command made by
/// no request, event or job span) is background polling (the revocation feed's long polls, health probes, outbox
/// and pool checks) and is dropped, with everything it calls downstream (the propagated context says "not sampled").
/// Traces started by a request (Server), an event (Consumer), a publish (Producer) or the platform's own operations
/// (Internal) are all kept. So an idle platform sends no traces, whatever the number of tenants
/// (docs/decisions/telemetry-cardinality.md).
/// </summary>
public sealed class BackgroundSpanSampler : Sampler
{
    private static readonly SamplingResult Keep = new(SamplingDecision.RecordAndSample);
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    public BackgroundSpanSampler() => Description = nameof(BackgroundSpanSampler);

    /// <summary>The sampler services install: parent-based, with this one for roots.</summary>
    public static Sampler Create() => new ParentBasedSampler(new BackgroundSpanSampler());

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        samplingParameters.Kind == ActivityKind.Client ? Drop : Keep;
}
