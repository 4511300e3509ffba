namespace Identity.Api.Features.Auth;

public static class AuthHealth
{
    public sealed record AuthHealthData(string Status, string Service, Dictionary<string, string> Endpoints);

    /// <remarks><c>GET /api/auth/health</c>: the original's plain (not enveloped) description.</remarks>
    public static Ok<AuthHealthData> Handle() => TypedResults.Ok(new AuthHealthData("healthy", "authentication", new()
    {
        ["register"] = "/api/auth/register (POST)",
        ["login"] = "/api/auth/login (POST)",
        ["refresh"] = "/api/auth/refresh (POST)",
        ["logout"] = "/api/auth/logout (POST)",
    }));
}
