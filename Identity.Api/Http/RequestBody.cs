using SaasPlatform.ServiceDefaults.Http;

namespace Identity.Api.Http;

public static class RequestBody
{
    /// <summary>A JSON body that is valid JSON but not an object (an array, a string, null).</summary>
    public static ApiError NotAnObject(string message) =>
        ApiError.Validation(new Dictionary<string, List<string>> { ["_schema"] = ["Invalid input type."] }, message);
}
