using System.Text.Json;
using Identity.Api.Accounts;
using Identity.Api.Data;
using Identity.Api.Http;
using Identity.Api.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.Messaging.Audit;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Http;

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
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject("Invalid request data");
        }

        var validation = new Validation();
        var token = AccountLinks.Token(validation, TextField.From(body, "token"));
        var password = AccountRules.NewPassword(validation, TextField.From(body, "new_password"), "new_password");
        if (!validation.IsValid)
        {
            return validation.ToError("Invalid request data");
        }

        var address = context.Connection.RemoteIpAddress;
        if (limiter.TryAcquire(address) is { } retryAfter)
        {
            return RateLimited.Result(context, retryAfter);
        }

        var redeemed = await tokens.RedeemAsync(token, AccountTokenPurposes.PasswordReset, cancellationToken);
        var user = redeemed is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == redeemed.UserId && u.IsActive, cancellationToken);
        if (user is null)
        {
            return AccountLinks.Invalid();
        }

        var now = time.UtcNowForDatabase();
        user.PasswordHash = await hasher.HashAsync(password!, cancellationToken);
        user.EmailVerifiedAt ??= now;
        user.UpdatedAt = now;
        db.EnqueueAudit(null, user.Id, AuditActions.PasswordReset, "user", user.Id.ToString(),
            new { client_address = address?.ToString() }, time);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return AccountLinks.Invalid(); // a concurrent request used the token first
        }

        // After the commit: from here the old password fails, and every session begun before the reset ends.
        await sessions.RevokeAllSessionsAsync(user.Id, startedBefore: now, cancellationToken);
        return ApiResults.Ok("Password has been reset; every session has been signed out");
    }
}
