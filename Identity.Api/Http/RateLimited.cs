using System.Globalization;

namespace Identity.Api.Http;

/// <summary>429 <c>rate_limited</c> in the envelope, with <c>Retry-After</c> in whole seconds.</summary>
public static class RateLimited
{
    public static ApiError Result(HttpContext context, TimeSpan retryAfter, string reason = "Too many attempts")
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return new ApiError(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
            $"{reason}, retry in {seconds} seconds");
    }
}
