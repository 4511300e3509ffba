using System.Text.Json;
using Identity.Api.Accounts;
using Identity.Api.Data;
using Identity.Api.Features.Users;
using Identity.Api.Http;
using Identity.Api.Sessions;
using Identity.Api.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.ServiceDefaults.Http;

namespace Identity.Api.Features.Auth;

public static class Login
{
    public const string InvalidMessage = "Invalid login data provided";

    public static RouteGroupBuilder MapLogin(this RouteGroupBuilder group)
    {
        group.MapPost("/login", HandleAsync)
            .WithName("Login")
            .WithSummary("Log in with email and password; returns access and refresh tokens, the user and their active tenants");
        return group;
    }

    public static async Task<Results<Ok<AuthEnvelope>, ApiError>> HandleAsync(
        [FromBody] JsonElement body,
        HttpContext context,
        IdentityDbContext db,
        PasswordHasher hasher,
        AuthRateLimiter limiter,
        TenancyClient tenancy,
        SessionService sessions,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return RequestBody.NotAnObject(InvalidMessage);
        }

        var validation = new Validation();
        var email = AccountRules.Email(validation, TextField.From(body, "email"));
        var password = AccountRules.LoginPassword(validation, TextField.From(body, "password"));
        if (!validation.IsValid)
        {
            return validation.ToError(InvalidMessage);
        }

        if (limiter.TryAcquire(AuthAction.Login, context.Connection.RemoteIpAddress, email!) is { } retryAfter)
        {
            return RateLimited.Result(context, retryAfter);
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Email.ToLower() == email, cancellationToken);
        // An unknown email is verified against a dummy hash: it takes as long as a wrong password.
        if (!await hasher.VerifyAsync(password!, user?.PasswordHash, cancellationToken) || user is null)
        {
            return ApiError.Unauthorized("Invalid email or password", ErrorCodes.InvalidCredentials);
        }

        if (!user.IsActive)
        {
            return new ApiError(StatusCodes.Status403Forbidden, ErrorCodes.AccountInactive,
                "Your account has been deactivated. Please contact support.");
        }

        if (hasher.NeedsRehash(user.PasswordHash!))
        {
            user.PasswordHash = await hasher.HashAsync(password!, cancellationToken);
            user.UpdatedAt = time.UtcNowForDatabase();
            await db.SaveChangesAsync(cancellationToken);
        }

        // The tenant list (Tenancy.Api) and the new session (identitydb) are independent: fetch them side by side.
        // If Tenancy fails the login is a 503 and the unused session simply expires.
        var tenantsTask = tenancy.GetActiveTenantsAsync(user.Id, cancellationToken);
        var tokens = await sessions.StartAsync(user.Id, cancellationToken);
        var tenants = await tenantsTask;
        return TypedResults.Ok(AuthEnvelope.Of("Login successful", new AuthPayload
        {
            AccessToken = tokens.Access.Token,
            RefreshToken = tokens.Refresh.Token,
            User = UserResponse.From(user),
            Tenants = tenants,
        }));
    }
}
