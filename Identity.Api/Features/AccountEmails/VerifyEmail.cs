namespace Identity.Api.Features.AccountEmails;

public static class VerifyEmail
{
    /// <remarks>
    /// Confirms the account's address with the token from the verification e-mail sent at registration (or sent again
    /// through <c>POST /api/users/me/verification-email</c>). Answers the user, now with <c>email_verified: true</c>. A
    /// link for an address the account no longer has is refused like an unknown one.
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
        var link = await AccountLinks.RedeemAsync(body, context, db, tokens, limiter, AccountTokenPurposes.EmailVerification, cancellationToken);
        if (!link.Succeeded || !string.Equals(link.User.Email, link.Token.Email, StringComparison.Ordinal))
        {
            return link.Error ?? AccountLinks.Invalid();
        }

        var user = link.User;
        if (user.EmailVerifiedAt is null)
        {
            var now = time.UtcNowForDatabase();
            user.EmailVerifiedAt = now;
            user.UpdatedAt = now;
            db.EnqueueAudit(null, user.Id, AuditActions.EmailVerified, "user", user.Id.ToString(),
                new { email = user.Email, client_address = context.Connection.RemoteIpAddress?.ToString() }, time);
        }

        if (await AccountLinks.SaveAsync(db, cancellationToken) is { } usedMeanwhile)
        {
            return usedMeanwhile;
        }

        return ApiResults.Ok("Email address verified", user.ToResponse());
    }
}
