using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>Turns framework errors and unhandled exceptions into the envelope; a 500 never carries exception text (D2).</summary>
internal static class EnvelopeErrorHandling
{
    private static readonly ApiError DependencyBusy =
        new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, "The service is busy, retry shortly");

    public static async Task HandleExceptionAsync(HttpContext context)
    {
        var exception = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var error = exception is null ? null : Answer(exception);
        if (ReferenceEquals(error, DependencyBusy))
        {
            var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("SaasPlatform.Errors");
            logger.LogWarning(exception, "Timed out on {Method} {Path}: answered 503", context.Request.Method, context.Request.Path);
            context.Response.Headers.RetryAfter = "1";
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
        _ => null,
    };

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
            >= 500 => new ApiError(response.StatusCode, ErrorCodes.InternalError, "An unexpected error occurred"),
            _ => new ApiError(response.StatusCode, ErrorCodes.BadRequest, "The request could not be processed"),
        };
        return error.ExecuteAsync(statusContext.HttpContext);
    }
}
