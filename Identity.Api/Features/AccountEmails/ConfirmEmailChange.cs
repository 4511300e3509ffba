using Npgsql;

namespace Identity.Api.Features.AccountEmails;

public static class ConfirmEmailChange
{
    /// <remarks>
    /// Applies a change of address with the token from the confirmation e-mail (sent to the new address). The account
    /// signs in with the new address from now on, and it counts as verified. 409 <c>email_exists</c> when another
    /// account took the address in the meantime (the link then stays usable, should the address become free).
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope<UserResponse>>, ApiError>> HandleAsync(
        [FromBody] JsonElement body,
        HttpContext context,
        IdentityDbContext db,
        AccountTokens tokens,
        AccountEmailRateLimiter limiter,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var link = await AccountLinks.RedeemAsync(body, context, db, tokens, limiter, AccountTokenPurposes.EmailChange, cancellationToken);
        if (!link.Succeeded || link.Token.Email is not { Length: > 0 } newEmail)
        {
            return link.Error ?? AccountLinks.Invalid();
        }

        var user = link.User;
        // A fast answer for the common case; the unique index on lower(email) settles the race below.
        if (await db.Users.AnyAsync(u => u.Email.ToLower() == newEmail && u.Id != user.Id, cancellationToken))
        {
            return EmailTaken();
        }

        var now = time.UtcNowForDatabase();
        var oldEmail = user.Email;
        user.Email = newEmail;
        user.EmailVerifiedAt = now;
        user.UpdatedAt = now;
        db.EnqueueAudit(null, user.Id, AuditActions.EmailChanged, "user", user.Id.ToString(),
            new { old_email = oldEmail, new_email = newEmail, client_address = context.Connection.RemoteIpAddress?.ToString() }, time);
        try
        {
            if (await AccountLinks.SaveAsync(db, cancellationToken) is { } usedMeanwhile)
            {
                return usedMeanwhile;
            }
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return EmailTaken();
        }

        return ApiResults.Ok("Email address changed", user.ToResponse());
    }

    private static ApiError EmailTaken() => ApiError.Conflict("A user with this email already exists", ErrorCodes.EmailExists);
}
