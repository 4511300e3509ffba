namespace Identity.Api.Features.Auth;

public static class AuthHealth
{
    /// <summary><c>GET /api/auth/health</c>: the original's plain (not enveloped) description (contract §2.1).</summary>
    public static RouteGroupBuilder MapAuthHealth(this RouteGroupBuilder group)
    {
        group.MapGet("/health", () => TypedResults.Ok(new
        {
            status = "healthy",
            service = "authentication",
            endpoints = new Dictionary<string, string>
            {
                ["register"] = "/api/auth/register (POST)",
                ["login"] = "/api/auth/login (POST)",
                ["refresh"] = "/api/auth/refresh (POST)",
                ["logout"] = "/api/auth/logout (POST)",
            },
        })).WithName("AuthHealth");
        return group;
    }
}
