using Identity.Api.Http;

namespace Identity.Api.Features.AccountEmails;

/// <summary>
/// The account lifecycle by e-mail: password reset, address verification, change of address. Every e-mail leaves
/// through identitydb's outbox as <c>email.requested</c> (Events.Worker renders and sends it); the tokens are single
/// use and stored hashed (docs/decisions/account-email-tokens.md).
/// </summary>
public static class AccountEmailEndpoints
{
    public static IEndpointRouteBuilder MapAccountEmailEndpoints(this IEndpointRouteBuilder app)
    {
        var auth = app.MapGroup("/api/auth").WithTags("Auth").WithAnonymousBodyLimit();
        auth.MapPost("/forgot-password", ForgotPassword.HandleAsync)
            .WithName("ForgotPassword").WithSummary("Send a password reset link to an address (the same 202 whether or not it is registered)");
        auth.MapPost("/reset-password", ResetPassword.HandleAsync)
            .WithName("ResetPassword").WithSummary("Set a new password with a reset token (token, new_password); signs out every session");
        auth.MapPost("/verify-email", VerifyEmail.HandleAsync)
            .WithName("VerifyEmail").WithSummary("Confirm the account's address with the token from the verification e-mail");
        auth.MapPost("/confirm-email-change", ConfirmEmailChange.HandleAsync)
            .WithName("ConfirmEmailChange").WithSummary("Apply a change of address with the token sent to the new address");

        var users = app.MapGroup("/api/users").WithTags("Users");
        users.MapPost("/me/email", ChangeEmail.HandleAsync).RequireAuthorization()
            .WithName("ChangeEmail").WithSummary("Change the caller's address (new_email, password): a confirmation link goes to the new address");
        users.MapPost("/me/verification-email", ResendVerification.HandleAsync).RequireAuthorization()
            .WithName("ResendVerificationEmail").WithSummary("Send the caller a new verification link");
        return app;
    }

    /// <summary>Tokens, e-mails and request limits of the account e-mails.</summary>
    public static IHostApplicationBuilder AddAccountEmails(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<AccountTokens>();
        builder.Services.AddSingleton<AccountMail>();
        builder.Services.AddSingleton<AccountEmailRateLimiter>();
        return builder;
    }
}
