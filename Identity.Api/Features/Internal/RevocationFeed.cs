namespace Identity.Api.Features.Internal;

public static class RevocationFeed
{
    /// <summary>The longest a reader may ask to wait: a held request must not outlive its client's timeouts.</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(10);

    /// <remarks>
    /// <c>GET /internal/revocations?after={cursor}&amp;wait_ms={ms}</c>: revocations in id order after the cursor, the
    /// page every service's <c>RevocationSync</c> reads (shape: <see cref="RevocationPage"/>, snake_case). With
    /// <c>wait_ms</c> and nothing new, the answer waits up to that long for the next revocation (a long poll; an
    /// empty page when none came), and returns early when the service stops.
    /// </remarks>
    public static async Task<Ok<RevocationPage>> HandleAsync(long? after, [FromQuery(Name = "wait_ms")] long? waitMilliseconds,
        IRevocationFeed feed, IHostApplicationLifetime lifetime, CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromMilliseconds(Math.Clamp(waitMilliseconds ?? 0, 0, (long)MaxWait.TotalMilliseconds));
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
        var cursor = Math.Max(0, after ?? 0);
        try
        {
            return TypedResults.Ok(await feed.ReadAfterAsync(cursor, wait, stopping.Token));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Stopping: answer the current state without waiting, so the reader moves to another replica at once.
            return TypedResults.Ok(await feed.ReadAfterAsync(cursor, TimeSpan.Zero, cancellationToken));
        }
    }
}
