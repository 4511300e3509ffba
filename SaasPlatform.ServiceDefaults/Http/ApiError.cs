using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>
/// An error answer in the envelope. Handlers return it (it is an <see cref="IResult"/>) or throw
/// <see cref="ApiException"/> from deeper code; both end up as the same body.
/// </summary>
public sealed class ApiError : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ErrorEnvelope>, IEndpointMetadataProvider
{
    public ApiError(int statusCode, string code, string message, object? details = null)
    {
        StatusCode = statusCode;
        Value = new ErrorEnvelope { Error = code, Message = message, Details = details };
    }

    public int StatusCode { get; }

    public ErrorEnvelope Value { get; }

    /// <summary>When set, the answer carries <c>Retry-After</c> in whole seconds (429 and 503).</summary>
    public TimeSpan? RetryAfter { get; init; }

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    object? IValueHttpResult.Value => Value;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        if (RetryAfter is { } wait)
        {
            httpContext.Response.Headers.RetryAfter =
                Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return WriteAsync(httpContext, StatusCode, Value);
    }

    public static Task WriteAsync(HttpContext httpContext, int statusCode, ErrorEnvelope body)
    {
        httpContext.Response.StatusCode = statusCode;
        return httpContext.Response.WriteAsJsonAsync(body, Microsoft.Extensions.Hosting.Extensions.WireJson);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        foreach (var status in new[] { 400, 401, 403, 404 })
        {
            builder.Metadata.Add(new ProducesResponseTypeMetadata(status, typeof(ErrorEnvelope), ["application/json"]));
        }
    }

    public static ApiError Validation(IDictionary<string, List<string>> details, string message = "Validation failed") =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, message, details);

    public static ApiError Validation(string field, string problem, string message = "Validation failed") =>
        Validation(new Dictionary<string, List<string>> { [field] = [problem] }, message);

    /// <summary>A JSON body that is valid JSON but not an object (an array, a string, null).</summary>
    public static ApiError NotAnObject(string message = "Validation failed") => Validation("_schema", "Invalid input type.", message);

    public static ApiError BadRequest(string message, object? details = null) =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.BadRequest, message, details);

    public static ApiError NotFound(string message) => new(StatusCodes.Status404NotFound, ErrorCodes.NotFound, message);

    public static ApiError Forbidden(string message) => new(StatusCodes.Status403Forbidden, ErrorCodes.Forbidden, message);

    public static ApiError Unauthorized(string message, string code = ErrorCodes.Unauthorized) =>
        new(StatusCodes.Status401Unauthorized, code, message);

    public static ApiError Conflict(string message, string code = ErrorCodes.Conflict) =>
        new(StatusCodes.Status409Conflict, code, message);

    /// <summary>A dependency (database, another service) cannot answer now: retryable, never a 500.</summary>
    public static ApiError ServiceUnavailable(string message = "A service the request depends on is unavailable, retry shortly", int retryAfterSeconds = 2) =>
        new(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable, message)
        {
            RetryAfter = TimeSpan.FromSeconds(retryAfterSeconds),
        };

    public static ApiError PayloadTooLarge(long limitBytes) =>
        new(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
            $"Request body exceeds the maximum of {limitBytes / (1024 * 1024)} MB");
}

/// <summary>Thrown where returning is awkward (deep in a flow); the exception handler turns it into <see cref="ApiError"/>.</summary>
public sealed class ApiException(ApiError error) : Exception(error.Value.Message)
{
    public ApiError Error { get; } = error;
}
