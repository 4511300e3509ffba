using System.Text.Json;
using Identity.Api.Accounts;
using Identity.Api.Data;
using Identity.Api.Features.Users;
using Identity.Api.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SaasPlatform.Messaging.Audit;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Contracts;
using SaasPlatform.ServiceDefaults.Http;

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

        var redeemed = await tokens.RedeemAsync(token, AccountTokenPurposes.EmailChange, cancellationToken);
        var user = redeemed is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == redeemed.UserId && u.IsActive, cancellationToken);
        if (user is null || redeemed!.Email is not { Length: > 0 } newEmail)
        {
            return AccountLinks.Invalid();
        }

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
            new { old_email = oldEmail, new_email = newEmail, client_address = address?.ToString() }, time);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return AccountLinks.Invalid();
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return EmailTaken();
        }

        return ApiResults.Ok("Email address changed", user.ToResponse());
    }

    private static ApiError EmailTaken() => ApiError.Conflict("A user with this email already exists", ErrorCodes.EmailExists);
}
