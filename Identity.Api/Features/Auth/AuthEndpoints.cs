using Identity.Api.Http;

namespace Identity.Api.Features.Auth;

public static class AuthEndpoints
{
    public static IEndpointRouteBuilder MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth").WithAnonymousBodyLimit();
        auth.MapPost("/register", Register.HandleAsync)
            .WithName("Register").WithSummary("Create an account (first_name, last_name, email, password)");
        auth.MapPost("/login", Login.HandleAsync)
            .WithName("Login").WithSummary("Log in with email and password; returns access and refresh tokens, the user and their active tenants");
        auth.MapPost("/refresh", Refresh.HandleAsync)
            .WithName("RefreshToken").WithSummary("Exchange the refresh token (Authorization: Bearer) for a new access and refresh token");
        auth.MapPost("/logout", Logout.HandleAsync).RequireAuthorization()
            .WithName("Logout").WithSummary("Revoke the access token and its session (and the session of an optional refresh_token)");
        auth.MapGet("/health", AuthHealth.Handle)
            .WithName("AuthHealth").WithSummary("Auth API health and its endpoints (not enveloped)");

        app.MapGet("/.well-known/jwks.json", Jwks.Handle).WithTags("Auth")
            .WithName("Jwks").WithSummary("The public keys tokens are validated with");
        return app;
    }
}
