using System.Globalization;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Events;

namespace Identity.Api.Accounts;

/// <summary>
/// Enqueues the account e-mails (<c>email.requested</c>, rendered and sent by Events.Worker) in the caller's outbox,
/// so a message exists exactly when the change that needs it commits. Links are
/// <c>{Platform:PublicUrl}/&lt;page&gt;?token=...</c>: the page of the client application that posts the token to the API.
/// </summary>
public sealed class AccountMail(IConfiguration configuration, IOptions<IdentitySettings> settings, TimeProvider time)
{
    public const string ResetPasswordPage = "reset-password";
    public const string VerifyEmailPage = "verify-email";
    public const string ConfirmEmailChangePage = "confirm-email-change";

    /// <summary>The gateway's address in development (its launch profile) when <c>Platform:PublicUrl</c> is not set.</summary>
    public const string DefaultPublicUrl = "http://localhost:5105";

    private AccountEmailSettings Settings => settings.Value.AccountEmails;

    public void PasswordReset(IdentityDbContext db, User user, string token) =>
        Enqueue(db, user.Id, user.Email, "password-reset", new Dictionary<string, string>
        {
            ["first_name"] = user.FirstName,
            ["reset_url"] = Link(ResetPasswordPage, token),
            ["expires_in"] = Describe(Settings.PasswordResetLifetime),
        });

    public void Verification(IdentityDbContext db, User user, string token) =>
        Enqueue(db, user.Id, user.Email, "email-verification", new Dictionary<string, string>
        {
            ["first_name"] = user.FirstName,
            ["verify_url"] = Link(VerifyEmailPage, token),
            ["expires_in"] = Describe(Settings.VerificationLifetime),
        });

    public void EmailChange(IdentityDbContext db, User user, string newEmail, string token) =>
        Enqueue(db, user.Id, newEmail, "email-change", new Dictionary<string, string>
        {
            ["first_name"] = user.FirstName,
            ["new_email"] = newEmail,
            ["confirm_url"] = Link(ConfirmEmailChangePage, token),
            ["expires_in"] = Describe(Settings.EmailChangeLifetime),
        });

    private void Enqueue(IdentityDbContext db, Guid userId, string to, string template, Dictionary<string, string> values) =>
        db.EnqueueEvent(Topics.EmailRequested, null, userId, new EmailRequested(to, template, values), time);

    private string Link(string page, string token)
    {
        var baseUrl = configuration["Platform:PublicUrl"] is { Length: > 0 } configured ? configured : DefaultPublicUrl;
        return $"{baseUrl.TrimEnd('/')}/{page}?token={Uri.EscapeDataString(token)}";
    }

    private static string Describe(TimeSpan lifetime) => lifetime switch
    {
        { TotalDays: >= 1 } when lifetime.TotalDays % 1 == 0 => Plural((int)lifetime.TotalDays, "day"),
        { TotalHours: >= 1 } when lifetime.TotalHours % 1 == 0 => Plural((int)lifetime.TotalHours, "hour"),
        _ => Plural((int)Math.Ceiling(lifetime.TotalMinutes), "minute"),
    };

    private static string Plural(int count, string unit) =>
        count.ToString(CultureInfo.InvariantCulture) + " " + unit + (count == 1 ? "" : "s");
}
