using SaasPlatform.ServiceDefaults.Http;

namespace Identity.Api.Features.Users;

public static class UsersHealth
{
    /// <summary><c>GET /api/users/health</c> in the envelope (contract §2.1).</summary>
    public static RouteGroupBuilder MapUsersHealth(this RouteGroupBuilder group)
    {
        group.MapGet("/health", () => ApiResults.Ok("Users API is healthy", new { status = "healthy", blueprint = "users" }))
            .WithName("UsersHealth");
        return group;
    }
}
