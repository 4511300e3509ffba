using Microsoft.AspNetCore.Http.HttpResults;

namespace SaasPlatform.ServiceDefaults.Http;

/// <summary>Typed success results in the envelope, so handlers read <c>return ApiResults.Ok("...", dto);</c>.</summary>
public static class ApiResults
{
    public static Ok<SuccessEnvelope<T>> Ok<T>(string message, T data) =>
        TypedResults.Ok(new SuccessEnvelope<T> { Message = message, Data = data });

    public static Ok<SuccessEnvelope> Ok(string message) =>
        TypedResults.Ok(new SuccessEnvelope { Message = message });

    public static Created<SuccessEnvelope<T>> Created<T>(string location, string message, T data) =>
        TypedResults.Created(location, new SuccessEnvelope<T> { Message = message, Data = data });
}
