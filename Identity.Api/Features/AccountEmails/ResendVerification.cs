using Identity.Api.Http;

namespace Identity.Api.Features.AccountEmails;

public static class ResendVerification
{
    /// <remarks>
    /// Sends the caller a new verification link (the earlier one stops working). 409 <c>conflict</c> when the address is
    /// already verified. Limited per client address and per e-mail address.
    /// </remarks>
    public static async Task<Results<Accepted<SuccessEnvelope>, ApiError>> HandleAsync(
        ClaimsPrincipal principal,
        HttpContext context,
        IdentityDbContext db,
        AccountTokens tokens,
        AccountMail mail,
        AccountEmailRateLimiter limiter,
        IOptions<IdentitySettings> settings,
        CancellationToken cancellationToken)
    {
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == principal.UserId() && u.IsActive, cancellationToken);
        if (user is null)
        {
            return ApiError.Unauthorized("Token has been revoked", ErrorCodes.TokenRevoked);
        }

        if (user.EmailVerifiedAt is not null)
        {
            return ApiError.Conflict("Your email address is already verified");
        }

        if (limiter.TryAcquire(context.Connection.RemoteIpAddress, user.Email) is { } retryAfter)
        {
            return RateLimited.Result(context, retryAfter);
        }

        var token = await tokens.IssueAsync(user.Id, AccountTokenPurposes.EmailVerification,
            settings.Value.AccountEmails.VerificationLifetime, user.Email, cancellationToken);
        mail.Verification(db, user, token);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Accepted((string?)null, new SuccessEnvelope { Message = "A verification link has been sent to your email address" });
    }
}
