namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>Success body of every public endpoint: <c>{"success": true, "message": ..., "data": ...}</c> (decision D1).</summary>
public class SuccessEnvelope
{
    [JsonPropertyOrder(-10)]
    public bool Success => true;

    [JsonPropertyOrder(-9)]
    public required string Message { get; init; }
}

/// <inheritdoc cref="SuccessEnvelope"/>
public class SuccessEnvelope<T> : SuccessEnvelope
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public T? Data { get; init; }
}

/// <summary>Error body on every path and status: flat <c>{"success": false, "error", "message", "details"}</c> (D1, D2).</summary>
public sealed class ErrorEnvelope
{
    [JsonPropertyOrder(-10)]
    public bool Success => false;

    public required string Error { get; init; }

    public required string Message { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public object? Details { get; init; }
}

/// <summary>The error codes of decision D2, in one place.</summary>
public static class ErrorCodes
{
    public const string ValidationError = "validation_error";
    public const string BadRequest = "bad_request";
    public const string Unauthorized = "unauthorized";
    public const string InvalidToken = "invalid_token";
    public const string TokenExpired = "token_expired";
    public const string TokenRevoked = "token_revoked";
    public const string Forbidden = "forbidden";
    public const string NotFound = "not_found";
    public const string MethodNotAllowed = "method_not_allowed";
    public const string Conflict = "conflict";
    public const string EmailExists = "email_exists";
    public const string InvalidCredentials = "invalid_credentials";
    public const string AccountInactive = "account_inactive";
    public const string PayloadTooLarge = "payload_too_large";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string RateLimited = "rate_limited";
    public const string InternalError = "internal_error";
    public const string ServiceUnavailable = "service_unavailable";
    public const string GatewayTimeout = "gateway_timeout";
}
