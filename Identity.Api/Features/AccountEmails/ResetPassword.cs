namespace Identity.Api.Features.AccountEmails;

public static class ResetPassword
{
    /// <remarks>
    /// Sets a new password with the token from a password reset e-mail (<c>{token, new_password}</c>; the password
    /// rules of registration). The token works once. Every session the account had is revoked: its refresh tokens stop
    /// working at once and its access tokens are refused by every service within the revocation feed's delay. Completing
    /// a reset also proves the address, so the account counts as verified afterwards.
    /// </remarks>
    public static async Task<Results<Ok<SuccessEnvelope>, ApiError>> HandleAsync(
        [FromBody] JsonElement body,
        HttpContext context,
        IdentityDbContext db,
        AccountTokens tokens,
        PasswordHasher hasher,
        SessionService sessions,
        AccountEmailRateLimiter limiter,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        string? password = null;
        var link = await AccountLinks.RedeemAsync(body, context, db, tokens, limiter, AccountTokenPurposes.PasswordReset, cancellationToken,
            validation => password = AccountRules.NewPassword(validation, TextField.From(body, "new_password"), "new_password"));
        if (!link.Succeeded)
        {
            return link.Error;
        }

        var user = link.User;
        var now = time.UtcNowForDatabase();
        user.PasswordHash = await hasher.HashAsync(password!, cancellationToken);
        user.EmailVerifiedAt ??= now;
        user.UpdatedAt = now;
        db.EnqueueAudit(null, user.Id, AuditActions.PasswordReset, "user", user.Id.ToString(),
            new { client_address = context.Connection.RemoteIpAddress?.ToString() }, time);
        if (await AccountLinks.SaveAsync(db, cancellationToken) is { } usedMeanwhile)
        {
            return usedMeanwhile;
        }

        // After the commit: from here the old password fails, and every session begun before the reset ends.
        await sessions.RevokeAllSessionsAsync(user.Id, startedBefore: now, cancellationToken);
        return ApiResults.Ok("Password has been reset; every session has been signed out");
    }
}
