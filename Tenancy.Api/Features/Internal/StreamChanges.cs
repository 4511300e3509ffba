using System.Threading.Channels;
using SaasPlatform.Messaging.Changes;

namespace Tenancy.Api.Features.Internal;

/// <summary>
/// <c>GET /internal/changes</c>: the tenancy database's change notifications (<c>tenants:{id}</c>,
/// <c>user_tenant_associations:{user}:{tenant}</c>), one per line, for as long as the caller stays, so other services can
/// keep tenant access answers until they change (docs/decisions/cache-invalidation.md). The first line is
/// <c>live</c> (from then on nothing is missed); an empty line every few seconds shows the stream is alive. The
/// stream ends when this process stops hearing changes or the caller cannot keep up: the caller must then forget
/// what it kept, since changes may have been lost.
/// </summary>
public static class StreamChanges
{
    /// <summary>How often an idle stream sends an empty line; a reader that hears nothing for much longer reconnects.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(2);

    /// <summary>Changes queued for one slow reader at most before its stream is ended.</summary>
    private const int MaxQueued = 10_000;

    public static async Task HandleAsync(HttpContext context, ChangeFeed changes, IHostApplicationLifetime lifetime)
    {
        var queue = Channel.CreateBounded<string>(new BoundedChannelOptions(MaxQueued) { SingleReader = true });
        using var subscription = changes.Subscribe(
            payload =>
            {
                if (!queue.Writer.TryWrite(payload))
                {
                    queue.Writer.TryComplete();   // too slow: end, and the reader starts over
                }
            },
            () => queue.Writer.TryComplete());   // not listening any more: changes may be missed from here on

        if (!changes.IsLive)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        var writer = context.Response.BodyWriter;
        try
        {
            await WriteLineAsync(context, TenancyChangeFollower.LiveLine, stopping.Token);
            while (true)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(stopping.Token);
                beat.CancelAfter(Heartbeat);
                bool more;
                try
                {
                    more = await queue.Reader.WaitToReadAsync(beat.Token);
                }
                catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
                {
                    await WriteLineAsync(context, "", stopping.Token);
                    continue;
                }

                if (!more)
                {
                    return;
                }

                while (queue.Reader.TryRead(out var payload))
                {
                    await context.Response.WriteAsync(payload + "\n", stopping.Token);
                }

                await writer.FlushAsync(stopping.Token);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The caller left, or this process is stopping: the caller reconnects elsewhere.
        }
    }

    private static async Task WriteLineAsync(HttpContext context, string line, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync(line + "\n", cancellationToken);
        await context.Response.BodyWriter.FlushAsync(cancellationToken);
    }
}
