using System.Data.Common;

namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>
/// Runs a GET or HEAD once more, after a short pause, when it failed because a connection to a dependency broke
/// (PostgreSQL restarted and the pooled connection is dead, another service's connection was refused) and nothing has
/// been sent yet. A read has no effect to repeat; a second failure goes to the 503 of <see cref="EnvelopeErrorHandling"/>.
/// Timeouts and open circuits are not retried: waiting again would only double the client's wait.
/// </summary>
internal static class IdempotentReadRetry
{
    public static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(300);

    public static async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested && IsBrokenConnection(ex))
        {
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SaasPlatform.Errors")
                .LogWarning("Connection to a dependency broke on {Method} {Path} ({Error}); retrying once",
                    context.Request.Method, context.Request.Path, ex.GetType().Name);
            context.Response.Clear();
            await Task.Delay(Pause, context.RequestAborted);
            await next(context);
        }
    }

    private static bool IsBrokenConnection(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is TimeoutException or OperationCanceledException)
            {
                return false;
            }

            if (current is HttpRequestException or SocketException or DbException)
            {
                return EnvelopeErrorHandling.IsDependencyFailure(current);
            }
        }

        return false;
    }
}
