using System.Diagnostics.CodeAnalysis;
using Identity.Api.Http;

namespace Identity.Api.Features.AccountEmails;

/// <summary>What the endpoints that take a token from an e-mail link share.</summary>
internal static class AccountLinks
{
    /// <summary>Unknown, used, expired or for another purpose: one answer, so a probe learns nothing about which.</summary>
    public static ApiError Invalid() =>
        new(StatusCodes.Status400BadRequest, ErrorCodes.InvalidToken, "This link is invalid, has expired or has already been used");

    /// <summary>
    /// The start of every link endpoint: a JSON object with a valid <c>token</c> (and whatever <paramref name="readFields"/>
    /// validates), the client address within its rate, then the token redeemed for an active user (the use commits with
    /// the caller's <c>SaveChanges</c>, see <see cref="SaveAsync"/>).
    /// </summary>
    public static async Task<RedeemedLink> RedeemAsync(JsonElement body, HttpContext context, IdentityDbContext db,
        AccountTokens tokens, AccountEmailRateLimiter limiter, string purpose, CancellationToken cancellationToken,
        Action<Validation>? readFields = null)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return new(null, null, ApiError.NotAnObject("Invalid request data"));
        }

        var validation = new Validation();
        var token = Token(validation, TextField.From(body, "token"));
        readFields?.Invoke(validation);
        if (!validation.IsValid)
        {
            return new(null, null, validation.ToError("Invalid request data"));
        }

        if (limiter.TryAcquire(context.Connection.RemoteIpAddress) is { } retryAfter)
        {
            return new(null, null, RateLimited.Result(context, retryAfter));
        }

        var redeemed = await tokens.RedeemAsync(token, purpose, cancellationToken);
        var user = redeemed is null ? null : await db.Users.SingleOrDefaultAsync(u => u.Id == redeemed.UserId && u.IsActive, cancellationToken);
        return user is null ? new(null, null, Invalid()) : new(user, redeemed, null);
    }

    /// <summary>Commits the token's use with the change; <see cref="Invalid"/> when a concurrent request used it first.</summary>
    public static async Task<ApiError?> SaveAsync(IdentityDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return null;
        }
        catch (DbUpdateConcurrencyException)
        {
            return Invalid();
        }
    }

    /// <summary>The <c>token</c> field: a non-empty string (its length and value are checked by <see cref="AccountTokens"/>).</summary>
    private static string? Token(Validation validation, TextField field)
    {
        if (!field.Present)
        {
            validation.Add("token", "Missing data for required field.");
        }
        else if (field.Value is { Length: > 0 and <= 512 } token)
        {
            return token;
        }
        else
        {
            validation.Add("token", "Not a valid token.");
        }

        return null;
    }
}

/// <summary>A redeemed link: its active user and token, or the error to answer with.</summary>
internal sealed record RedeemedLink(User? User, AccountToken? Token, ApiError? Error)
{
    [MemberNotNullWhen(true, nameof(User), nameof(Token))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;
}
