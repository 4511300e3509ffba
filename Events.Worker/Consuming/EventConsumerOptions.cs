namespace Events.Worker.Consuming;

/// <summary>Settings of the worker's consumer (section <c>Events:Consumer</c>).</summary>
public sealed class EventConsumerOptions
{
    public const string SectionName = "Events:Consumer";

    /// <summary>The one consumer group of all worker instances: each event is handled by one of them.</summary>
    public string GroupId { get; set; } = "events-worker";

    /// <summary>Handler retries before the event goes to the dead-letter topic.</summary>
    public int MaxAttempts { get; set; } = RetryPolicy.Handler.MaxAttempts ?? 5;

    public TimeSpan RetryInitialDelay { get; set; } = RetryPolicy.Handler.Initial;

    public TimeSpan RetryMaxDelay { get; set; } = RetryPolicy.Handler.Max;

    public RetryPolicy CreateRetryPolicy() => RetryPolicy.Handler with
    {
        MaxAttempts = MaxAttempts,
        Initial = RetryInitialDelay,
        Max = RetryMaxDelay,
    };
}
