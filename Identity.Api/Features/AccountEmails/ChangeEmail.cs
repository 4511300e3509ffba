using Identity.Api.Http;

namespace Identity.Api.Features.AccountEmails;

public static class ChangeEmail
{
    /// <remarks>
    /// Starts a change of the caller's address (<c>{new_email, password}</c>): the current password is required, and a
    /// confirmation link (valid 24 hours, single use) goes to the new address; nothing changes until it is followed
    /// (<c>POST /api/auth/confirm-email-change</c>). 409 <c>email_exists</c> when another account has the address;
    /// 403 <c>invalid_credentials</c> for a wrong password (failures count towards the login lockout).
    /// </remarks>
    public static async Task<Results<Accepted<SuccessEnvelope>, ApiError>> HandleAsync(
        ClaimsPrincipal principal,
        [FromBody] JsonElement body,
        HttpContext context,
        IdentityDbContext db,
        PasswordHasher hasher,
        LoginLockout lockout,
        AccountTokens tokens,
        AccountMail mail,
        AccountEmailRateLimiter limiter,
        IOptions<IdentitySettings> settings,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject();
        }

        var validation = new Validation();
        var newEmail = AccountRules.Email(validation, TextField.From(body, "new_email"), "new_email");
        var password = AccountRules.LoginPassword(validation, TextField.From(body, "password"));
        if (!validation.IsValid)
        {
            return validation.ToError();
        }

        var address = context.Connection.RemoteIpAddress;
        if (limiter.TryAcquire(address, newEmail) is { } retryAfter)
        {
            return RateLimited.Result(context, retryAfter);
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == principal.UserId() && u.IsActive, cancellationToken);
        if (user is null)
        {
            return ApiError.Unauthorized("Token has been revoked", ErrorCodes.TokenRevoked);
        }

        // A stolen access token must not become a way to guess the password: the login lockout applies here too.
        var lockoutState = await lockout.CheckAsync(user.Email, address, cancellationToken);
        if (lockoutState.RetryAfter is { } lockedFor)
        {
            return RateLimited.Result(context, lockedFor, "Too many failed password attempts");
        }

        if (!await hasher.VerifyAsync(password!, user.PasswordHash, cancellationToken))
        {
            await lockout.RecordFailureAsync(user.Email, address, cancellationToken);
            return new ApiError(StatusCodes.Status403Forbidden, ErrorCodes.InvalidCredentials, "Password is incorrect");
        }

        if (newEmail == user.Email)
        {
            return ApiError.Validation("new_email", "This is already your email address.");
        }

        if (await db.Users.AnyAsync(u => u.Email.ToLower() == newEmail, cancellationToken))
        {
            return ApiError.Conflict("A user with this email already exists", ErrorCodes.EmailExists);
        }

        var token = await tokens.IssueAsync(user.Id, AccountTokenPurposes.EmailChange,
            settings.Value.AccountEmails.EmailChangeLifetime, newEmail, cancellationToken);
        mail.EmailChange(db, user, newEmail!, token);
        db.EnqueueAudit(null, user.Id, AuditActions.EmailChangeRequested, "user", user.Id.ToString(),
            new { email = user.Email, new_email = newEmail, client_address = address?.ToString() }, time);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted((string?)null,
            new SuccessEnvelope { Message = "A confirmation link has been sent to the new email address" });
    }
}
