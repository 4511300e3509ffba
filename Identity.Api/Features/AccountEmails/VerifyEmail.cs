using System.Text.Json;
using Identity.Api.Accounts;
using Identity.Api.Data;
using Identity.Api.Features.Users;
using Identity.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.Messaging.Audit;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Contracts;
using SaasPlatform.ServiceDefaults.Http;

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
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject("Invalid request data");
        }

        var validation = new Validation();
        var token = AccountLinks.Token(validation, TextField.From(body, "token"));
        if (!validation.IsValid)
        {
            return validation.ToError("Invalid request data");
        }

        var address = context.Connection.RemoteIpAddress;
        if (limiter.TryAcquire(address) is { } retryAfter)
        {
            return RateLimited.Result(context, retryAfter);
        }

        var redeemed = await tokens.RedeemAsync(token, AccountTokenPurposes.EmailVerification, cancellationToken);
        var user = redeemed is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == redeemed.UserId && u.IsActive, cancellationToken);
        if (user is null || !string.Equals(user.Email, redeemed!.Email, StringComparison.Ordinal))
        {
            return AccountLinks.Invalid();
        }

        if (user.EmailVerifiedAt is null)
        {
            var now = time.UtcNowForDatabase();
            user.EmailVerifiedAt = now;
            user.UpdatedAt = now;
            db.EnqueueAudit(null, user.Id, AuditActions.EmailVerified, "user", user.Id.ToString(),
                new { email = user.Email, client_address = address?.ToString() }, time);
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return AccountLinks.Invalid();
        }

        return ApiResults.Ok("Email address verified", user.ToResponse());
    }
}
