namespace Identity.Api.Features.Users;

public static class UsersHealth
{
    public sealed record UsersHealthData(string Status, string Blueprint);

    /// <remarks><c>GET /api/users/health</c> in the envelope.</remarks>
    public static Ok<SuccessEnvelope<UsersHealthData>> Handle() =>
        ApiResults.Ok("Users API is healthy", new UsersHealthData("healthy", "users"));
}
