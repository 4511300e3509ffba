namespace Identity.Api.Http;

/// <summary>
/// Anyone can post to the anonymous auth endpoints, so they read at most <see cref="MaxBytes"/> of body (their JSON is
/// a few hundred bytes) instead of Kestrel's 30 MB. A larger body is answered 413 <c>payload_too_large</c> in the
/// envelope before any of it is parsed: at once when Content-Length says so, else as soon as the chunked body passes
/// the limit (it is buffered up to the limit, which also keeps the JSON binder from meeting the overflow mid-read).
/// </summary>
public static class AnonymousBodyLimit
{
    public const int MaxBytes = 64 * 1024;

    /// <summary>Marks the endpoints of the group as limited.</summary>
    public static RouteGroupBuilder WithAnonymousBodyLimit(this RouteGroupBuilder group) => group.WithMetadata(Marker.Instance);

    /// <summary>Enforces the limit on marked endpoints; call after routing has chosen the endpoint.</summary>
    public static IApplicationBuilder UseAnonymousBodyLimit(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<Marker>() is null)
        {
            await next(context);
            return;
        }

        // Kestrel's own MaxRequestBodySize is left alone on purpose: after the 413 Kestrel drains the unread body,
        // and a smaller limit would make it close the connection instead, which a proxy in front (the gateway)
        // can see as a reset before the answer (a 502 instead of the 413).
        var request = context.Request;
        if (request.ContentLength > MaxBytes || (request.ContentLength is null && !await BufferAsync(request, context.RequestAborted)))
        {
            await TooLarge().ExecuteAsync(context);
            return;
        }

        await next(context);
    });

    private static ApiError TooLarge() => new(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
        $"Request body exceeds the maximum of {MaxBytes / 1024} KB");

    /// <summary>Reads a body of unknown length into memory; false as soon as it passes the limit.</summary>
    private static async Task<bool> BufferAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
            {
                return false;
            }

            buffer.Write(chunk, 0, read);
        }

        buffer.Position = 0;
        request.Body = buffer;
        request.ContentLength = buffer.Length;
        return true;
    }

    private sealed class Marker
    {
        public static readonly Marker Instance = new();
    }
}
