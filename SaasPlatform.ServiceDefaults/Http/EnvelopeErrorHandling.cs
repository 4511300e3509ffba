using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;

namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>
/// Turns framework errors and unhandled exceptions into the envelope; a 500 never carries exception text (D2). A
/// dependency that cannot answer (PostgreSQL restarting or unreachable, another service down or timing out, an open
/// circuit) is a 503 <c>service_unavailable</c> with Retry-After, never a 500 (docs/decisions/dependency-failures.md).
/// </summary>
internal static class EnvelopeErrorHandling
{
    private static readonly ApiError DependencyBusy = ApiError.ServiceUnavailable("The service is busy, retry shortly", 1);

    private static readonly ApiError DependencyDown = ApiError.ServiceUnavailable();

    public static async Task HandleExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var error = exception is null ? null : Answer(exception);
        if (ReferenceEquals(error, DependencyBusy) || ReferenceEquals(error, DependencyDown))
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SaasPlatform.Errors");
            logger.LogWarning(exception, "Dependency unavailable on {Method} {Path}: answered 503", context.Request.Method, context.Request.Path);
        }

        // A real bug: the middleware logs it (once, with the exception) and tags the request metric with its type.
        error ??= new ApiError(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError, "An unexpected error occurred");
        await error.ExecuteAsync(context);
    }

    /// <summary>
    /// Exceptions answered with a 4xx or a 503, or whose client is gone: the middleware records no error diagnostics
    /// for them, so error logs and metrics stay for real faults.
    /// </summary>
    public static bool IsAnsweredWithoutFault(HttpContext context, Exception exception) =>
        Answer(exception) is not null || (exception is OperationCanceledException && context.RequestAborted.IsCancellationRequested);

    /// <summary>The answer to an exception that is not a bug; null for a bug (a 500).</summary>
    private static ApiError? Answer(Exception exception) => exception switch
    {
        ApiException api => api.Error,
        BadHttpRequestException bad => FromBadRequest(bad),
        JsonException => ApiError.BadRequest("Malformed JSON in request body"),
        // A dependency too busy to answer in time (a full connection pool, a slow database): retryable, not a bug.
        TimeoutException or { InnerException: TimeoutException } => DependencyBusy,
        _ when IsDependencyFailure(exception) => DependencyDown,
        _ => null,
    };

    /// <summary>
    /// True when <paramref name="exception"/> (or one it wraps, as EF Core's DbUpdateException wraps Npgsql's) says a
    /// dependency could not answer, rather than that our code is wrong: worth a retry, by us once for an idempotent
    /// read (<see cref="IdempotentReadRetry"/>) and by the client after Retry-After.
    /// </summary>
    public static bool IsDependencyFailure(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                // An outgoing call (another service, storage) failed at the transport or answered 5xx.
                case HttpRequestException:
                // Polly (the standard resilience handler): an open circuit, the attempt or total timeout, a rate limiter.
                case Polly.CircuitBreaker.BrokenCircuitException:
                case Polly.Timeout.TimeoutRejectedException:
                case Polly.RateLimiting.RateLimiterRejectedException:
                case SocketException:
                case TimeoutException:
                    return true;
                case DbException db when db.IsTransient || IsUnavailableState(db.SqlState):
                    return true;
            }
        }

        // An internal deadline (not the client leaving), such as a lookup's own timeout.
        return exception is OperationCanceledException;
    }

    /// <summary>
    /// SQLSTATEs of a server that is going away or not reachable: class 08 (connection exception), 57P01-57P03
    /// (admin/crash shutdown, cannot connect now), 53300 (too many connections).
    /// </summary>
    private static bool IsUnavailableState(string? state) =>
        state is not null && (state.StartsWith("08", StringComparison.Ordinal) || state is "57P01" or "57P02" or "57P03" or "53300");

    private static ApiError FromBadRequest(BadHttpRequestException exception) => exception.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => new ApiError(413, ErrorCodes.PayloadTooLarge, "Request body too large"),
        StatusCodes.Status415UnsupportedMediaType => UnsupportedMediaType(),
        _ when exception.InnerException is JsonException json => JsonError(json),
        _ => ApiError.BadRequest("The request could not be understood"),
    };

    private static ApiError JsonError(JsonException json) =>
        ApiError.BadRequest("Malformed JSON in request body", json.Path is { Length: > 1 } path ? new { path } : null);

    private static ApiError UnsupportedMediaType() =>
        new(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Content-Type must be application/json");

    /// <summary>Status codes set without a body (routing 404/405, 415, auth challenges) get an envelope too.</summary>
    public static Task WriteStatusCodeAsync(StatusCodeContext statusContext)
    {
        var response = statusContext.HttpContext.Response;
        var error = response.StatusCode switch
        {
            400 => ApiError.BadRequest("The request could not be understood"),
            401 => ApiError.Unauthorized("Authentication required"),
            403 => ApiError.Forbidden("You do not have permission to perform this action"),
            404 => ApiError.NotFound("The requested resource was not found"),
            405 => new ApiError(405, ErrorCodes.MethodNotAllowed, "The method is not allowed for the requested URL"),
            413 => new ApiError(413, ErrorCodes.PayloadTooLarge, "Request body too large"),
            415 => UnsupportedMediaType(),
            429 => new ApiError(429, ErrorCodes.RateLimited, "Too many requests, retry later"),
            // The gateway's answers for a service that is down (no healthy destination, connection refused).
            502 or 503 => ApiError.ServiceUnavailable("The service is temporarily unavailable, retry shortly"),
            504 => new ApiError(504, ErrorCodes.GatewayTimeout, "The service did not answer in time, retry shortly")
            {
                RetryAfter = TimeSpan.FromSeconds(2),
            },
            >= 500 => new ApiError(response.StatusCode, ErrorCodes.InternalError, "An unexpected error occurred"),
            _ => new ApiError(response.StatusCode, ErrorCodes.BadRequest, "The request could not be processed"),
        };
        return error.ExecuteAsync(statusContext.HttpContext);
    }
}
