namespace Identity.Api.Features.Users;

public static class UserEndpoints
{
    public static IEndpointRouteBuilder MapUserEndpoints(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").WithTags("Users");
        users.MapGet("/me", GetMe.HandleAsync).RequireAuthorization()
            .WithName("GetCurrentUser").WithSummary("The caller's profile");
        users.MapPut("/me", UpdateMe.HandleAsync).RequireAuthorization()
            .WithName("UpdateCurrentUser").WithSummary("Change first_name and/or last_name; absent fields are kept, {} changes nothing");
        users.MapGet("/health", UsersHealth.Handle)
            .WithName("UsersHealth").WithSummary("Users API health");
        return app;
    }
}
