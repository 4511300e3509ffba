using System.Diagnostics;
using System.Diagnostics.Metrics;
using Confluent.Kafka;

namespace SaasPlatform.Messaging.Kafka;

/// <summary>
/// Spans and metrics of the messaging code, on the "SaasPlatform" ActivitySource and Meter that ServiceDefaults
/// exports. W3C trace context travels in the <c>traceparent</c>/<c>tracestate</c> message headers, so one request is one
/// trace from the gateway through the service, the outbox, Kafka and the worker.
/// </summary>
public static class KafkaTelemetry
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    public static readonly ActivitySource Source = new(Microsoft.Extensions.Hosting.Extensions.PlatformActivitySource);
    public static readonly Meter Meter = new(Microsoft.Extensions.Hosting.Extensions.PlatformActivitySource);

    /// <summary>A producer span ("{topic} publish") whose parent is the trace captured when the event was enqueued.</summary>
    public static Activity? StartPublish(string topic, string key, string? traceParent, string? traceState)
    {
        ActivityContext.TryParse(traceParent, traceState, out var parent);
        var activity = Source.StartActivity($"{topic} publish", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "send");
        activity?.SetTag("messaging.destination.name", topic);
        activity?.SetTag("messaging.kafka.message.key", key);
        return activity;
    }

    /// <summary>A consumer span ("{topic} process") continuing the trace found in the message headers.</summary>
    public static Activity? StartProcess(ConsumeResult<string, byte[]> result, string groupId)
    {
        var traceParent = GetHeader(result.Message.Headers, TraceParentHeader);
        var traceState = GetHeader(result.Message.Headers, TraceStateHeader);
        ActivityContext.TryParse(traceParent, traceState, out var parent);
        var activity = Source.StartActivity($"{result.Topic} process", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "kafka");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", result.Topic);
        activity?.SetTag("messaging.consumer.group.name", groupId);
        activity?.SetTag("messaging.destination.partition.id", result.Partition.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        activity?.SetTag("messaging.kafka.offset", result.Offset.Value);
        return activity;
    }

    /// <summary>
    /// Headers carrying the trace onwards: the current span's context when there is one, otherwise the context
    /// that came in (so the chain is not broken where no listener samples).
    /// </summary>
    public static Headers TraceHeaders(Activity? current, string? fallbackTraceParent, string? fallbackTraceState)
    {
        var headers = new Headers();
        var traceParent = current?.Id is { } id && current.IdFormat == ActivityIdFormat.W3C ? id : fallbackTraceParent;
        var traceState = current is not null ? current.TraceStateString : fallbackTraceState;
        if (!string.IsNullOrEmpty(traceParent))
        {
            headers.Add(TraceParentHeader, Encoding.ASCII.GetBytes(traceParent));
        }

        if (!string.IsNullOrEmpty(traceState))
        {
            headers.Add(TraceStateHeader, Encoding.ASCII.GetBytes(traceState));
        }

        return headers;
    }

    public static string? GetHeader(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
