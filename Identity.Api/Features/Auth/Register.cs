using Identity.Api.Http;
using Npgsql;

namespace Identity.Api.Features.Auth;

public static class Register
{
    public const string InvalidMessage = "Invalid user data provided";

    public static async Task<Results<Created<AuthEnvelope>, ApiError>> HandleAsync(
        [FromBody] JsonElement body,
        HttpContext context,
        IdentityDbContext db,
        PasswordHasher hasher,
        AuthRateLimiter limiter,
        AccountTokens tokens,
        AccountMail mail,
        IOptions<IdentitySettings> settings,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            return ApiError.NotAnObject(InvalidMessage);
        }

        var validation = new Validation();
        var firstName = AccountRules.Name(validation, "first_name", "First name", TextField.From(body, "first_name"), required: true);
        var lastName = AccountRules.Name(validation, "last_name", "Last name", TextField.From(body, "last_name"), required: true);
        var email = AccountRules.Email(validation, TextField.From(body, "email"));
        var password = AccountRules.NewPassword(validation, TextField.From(body, "password"));
        if (!validation.IsValid)
        {
            return validation.ToError(InvalidMessage);
        }

        if (limiter.TryAcquire(AuthAction.Register, context.Connection.RemoteIpAddress, email!) is { } retryAfter)
        {
            return RateLimited.Result(context, retryAfter);
        }

        // A fast answer for the common case; the unique index on lower(email) settles the race below.
        if (await db.Users.AnyAsync(u => u.Email.ToLower() == email, cancellationToken))
        {
            return EmailExists();
        }

        var now = time.UtcNowForDatabase();
        var user = new User
        {
            Id = Guid.NewGuid(),
            FirstName = firstName!,
            LastName = lastName!,
            Email = email!,
            PasswordHash = await hasher.HashAsync(password!, cancellationToken),
            IsActive = true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        // The verification e-mail commits with the account (docs/decisions/account-email-tokens.md).
        mail.Verification(db, user, await tokens.IssueAsync(user.Id, AccountTokenPurposes.EmailVerification,
            settings.Value.AccountEmails.VerificationLifetime, user.Email, cancellationToken));
        // With the account, in one commit: the audit event exists exactly when the account does.
        db.EnqueueAudit(null, user.Id, AuditActions.UserRegistered, "user", user.Id.ToString(),
            new { email = user.Email, client_address = context.Connection.RemoteIpAddress?.ToString() }, time);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return EmailExists();
        }

        return TypedResults.Created((string?)null,
            AuthEnvelope.Of("User registered successfully", new AuthPayload { User = user.ToResponse() }));
    }

    private static ApiError EmailExists() =>
        ApiError.Conflict("A user with this email already exists", ErrorCodes.EmailExists);
}
