using Identity.Api.Http;
using Identity.Api.Tenancy;

namespace Identity.Api.Features.Auth;

public static class Login
{
    public const string InvalidMessage = "Invalid login data provided";

    public static async Task<Results<Ok<AuthEnvelope>, ApiError>> HandleAsync(
        [FromBody] JsonElement body,
        HttpContext context,
        IdentityDbContext db,
        PasswordHasher hasher,
        AuthRateLimiter limiter,
        LoginLockout lockout,
        TenancyClient tenancy,
        SessionService sessions,
        IOptions<IdentitySettings> settings,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject(InvalidMessage);
        }

        var validation = new Validation();
        var email = AccountRules.Email(validation, TextField.From(body, "email"));
        var password = AccountRules.LoginPassword(validation, TextField.From(body, "password"));
        if (!validation.IsValid)
        {
            return validation.ToError(InvalidMessage);
        }

        var address = context.Connection.RemoteIpAddress;
        if (limiter.TryAcquire(AuthAction.Login, address, email!) is { } retryAfter)
        {
            return RateLimited.Result(context, retryAfter);
        }

        // Before any password is verified: this (email, address) may be waiting out a backoff after failures.
        var lockoutState = await lockout.CheckAsync(email!, address, cancellationToken);
        if (lockoutState.RetryAfter is { } lockedFor)
        {
            return RateLimited.Result(context, lockedFor, "Too many failed login attempts");
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Email.ToLower() == email, cancellationToken);

        // The tenant list (Tenancy.Api) is needed only once the password is verified, but does not depend on it: it is
        // fetched while bcrypt runs, so a login costs the verify plus the session insert, not plus an HTTP round trip.
        // Its result, or its failure, is looked at only after a successful verify (Tenancy failing then is a 503).
        var tenantsTask = user is { IsActive: true, PasswordHash: not null }
            ? tenancy.GetActiveTenantsAsync(user.Id, cancellationToken)
            : null;

        // An unknown email is verified against a dummy hash: it takes as long as a wrong password.
        if (!await hasher.VerifyAsync(password!, user?.PasswordHash, cancellationToken) || user is null)
        {
            Abandon(tenantsTask);
            // Only a failed verification counts towards a lockout (never an attempt refused above, never a success).
            var failed = await lockout.RecordFailureAsync(email!, address, cancellationToken);
            db.EnqueueAudit(null, user?.Id, AuditActions.UserLoginFailed, "user", user?.Id.ToString(), new
            {
                email,
                client_address = address?.ToString(),
                reason = user is null ? "unknown_email" : "invalid_password",
                failures_from_address = failed.Pair?.Failures,
                locked_for_seconds = failed.RetryAfter is { } wait ? (int?)Math.Ceiling(wait.TotalSeconds) : null,
            }, time);
            await db.SaveChangesAsync(cancellationToken);
            return ApiError.Unauthorized("Invalid email or password", ErrorCodes.InvalidCredentials);
        }

        if (!user.IsActive)
        {
            Abandon(tenantsTask);
            db.EnqueueAudit(null, user.Id, AuditActions.UserLoginFailed, "user", user.Id.ToString(),
                new { email, client_address = address?.ToString(), reason = "account_inactive" }, time);
            await db.SaveChangesAsync(cancellationToken);
            return new ApiError(StatusCodes.Status403Forbidden, ErrorCodes.AccountInactive,
                "Your account has been deactivated. Please contact support.");
        }

        // Identity:RequireVerifiedEmail: the password was right, but the address is not proven yet.
        if (settings.Value.RequireVerifiedEmail && user.EmailVerifiedAt is null)
        {
            Abandon(tenantsTask);
            db.EnqueueAudit(null, user.Id, AuditActions.UserLoginFailed, "user", user.Id.ToString(),
                new { email, client_address = address?.ToString(), reason = "email_not_verified" }, time);
            await db.SaveChangesAsync(cancellationToken);
            return new ApiError(StatusCodes.Status403Forbidden, "email_not_verified",
                "Please verify your email address first: follow the link we sent to it");
        }

        await lockout.ResetAsync(lockoutState, cancellationToken);

        if (hasher.NeedsRehash(user.PasswordHash!))
        {
            user.PasswordHash = await hasher.HashAsync(password!, cancellationToken);
            user.UpdatedAt = time.UtcNowForDatabase();
            await db.SaveChangesAsync(cancellationToken);
        }

        // If Tenancy fails the login is a 503 and the unused session simply expires.
        var tokens = await sessions.StartAsync(user.Id, address?.ToString(), cancellationToken);
        var tenants = await (tenantsTask ?? tenancy.GetActiveTenantsAsync(user.Id, cancellationToken));
        return TypedResults.Ok(AuthEnvelope.Of("Login successful", new AuthPayload
        {
            AccessToken = tokens.Access.Token,
            RefreshToken = tokens.Refresh.Token,
            User = user.ToResponse(),
            Tenants = tenants,
        }));
    }

    /// <summary>A tenant fetch whose answer is not needed after all: its failure is observed, not rethrown.</summary>
    private static void Abandon(Task? task) =>
        task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
