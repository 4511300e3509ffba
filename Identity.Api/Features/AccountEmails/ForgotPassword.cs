using Identity.Api.Http;

namespace Identity.Api.Features.AccountEmails;

public static class ForgotPassword
{
    public const string Answer = "If an account with this email exists, a password reset link has been sent to it";

    /// <remarks>
    /// Sends a single-use password reset link (valid 1 hour) to the address if an active account has it. The answer is
    /// the same 202 whether or not it does, and takes at least <c>Identity:AccountEmails:ForgotPasswordMinimumDuration</c>
    /// either way, so neither the body nor the timing tells whether an address is registered. Requesting again retires
    /// the earlier link. Limited per client address and per e-mail address (429 with Retry-After).
    /// </remarks>
    public static async Task<Results<Accepted<SuccessEnvelope>, ApiError>> HandleAsync(
        [FromBody] JsonElement body,
        HttpContext context,
        IdentityDbContext db,
        AccountTokens tokens,
        AccountMail mail,
        AccountEmailRateLimiter limiter,
        IOptions<IdentitySettings> settings,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject("Invalid request data");
        }

        var validation = new Validation();
        var email = AccountRules.Email(validation, TextField.From(body, "email"));
        if (!validation.IsValid)
        {
            return validation.ToError("Invalid request data");
        }

        // Counted for unknown addresses too: a limit reached only for registered ones would tell them apart.
        var address = context.Connection.RemoteIpAddress;
        if (limiter.TryAcquire(address, email) is { } retryAfter)
        {
            return RateLimited.Result(context, retryAfter);
        }

        var user = await db.Users.SingleOrDefaultAsync(u => u.Email.ToLower() == email && u.IsActive, cancellationToken);
        if (user is not null)
        {
            var token = await tokens.IssueAsync(user.Id, AccountTokenPurposes.PasswordReset,
                settings.Value.AccountEmails.PasswordResetLifetime, user.Email, cancellationToken);
            mail.PasswordReset(db, user, token);
        }

        // Both paths write (the audit event), in one commit with the token and the e-mail when there are any.
        db.EnqueueAudit(null, user?.Id, AuditActions.PasswordResetRequested, "user", user?.Id.ToString(),
            new { email, client_address = address?.ToString(), account_found = user is not null }, time);
        await db.SaveChangesAsync(cancellationToken);

        var left = settings.Value.AccountEmails.ForgotPasswordMinimumDuration - time.GetElapsedTime(started);
        if (left > TimeSpan.Zero)
        {
            await Task.Delay(left, time, cancellationToken);
        }

        return TypedResults.Accepted((string?)null, new SuccessEnvelope { Message = Answer });
    }
}
