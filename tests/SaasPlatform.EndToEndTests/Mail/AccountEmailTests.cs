using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Aspire.Hosting.Testing;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Mail;

/// <summary>
/// The account lifecycle by e-mail, through the gateway, with the messages read from the run's development SMTP
/// server (maildev) and their links followed as the client application would: password reset, verification on
/// registration, change of address, and the unknown-address case of forgot-password.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AccountEmailTests(PlatformFixture platform) : IDisposable
{
    private const string NewPassword = "NewPassword456";
    private readonly MailDevApi _mail = new(platform);

    public void Dispose() => _mail.Dispose();

    [Fact]
    public async Task Password_reset_link_sets_a_new_password_once_and_signs_out_every_session()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);

        var forgot = await client.PostAsJsonAsync("/api/auth/forgot-password", new { email = session.Email });
        Assert.Equal(HttpStatusCode.Accepted, forgot.StatusCode);
        var mail = await _mail.WaitForAsync(session.Email, "Reset your password");
        var (link, token) = mail.TokenLink();
        AssertLinksToThePublicUrl(link, "/reset-password");
        Assert.Contains(link.ToString(), mail.Html, StringComparison.Ordinal);

        var reset = await client.PostAsJsonAsync("/api/auth/reset-password", new { token, new_password = NewPassword });

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.True((await reset.JsonAsync()).GetProperty("success").GetBoolean());
        await AssertErrorAsync(await LoginAsync(client, session.Email), HttpStatusCode.Unauthorized, "invalid_credentials");
        var login = await LoginAsync(client, session.Email, NewPassword);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        // The reset proved the mailbox.
        Assert.True((await login.JsonAsync()).GetProperty("user").GetProperty("email_verified").GetBoolean());
        // The session from before the reset is over: its refresh token at once, its access token within the feed's delay.
        Assert.Equal(HttpStatusCode.Unauthorized, (await RefreshAsync(client, session.RefreshToken)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized,
            await StatusWithinAsync(TimeSpan.FromSeconds(5), HttpStatusCode.Unauthorized, () => MeAsync(client, session.AccessToken)));
        // Single use.
        await AssertErrorAsync(await client.PostAsJsonAsync("/api/auth/reset-password", new { token, new_password = "Another789x" }),
            HttpStatusCode.BadRequest, "invalid_token");
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, session.Email, NewPassword)).StatusCode);
    }

    [Fact]
    public async Task Forgot_password_answers_the_same_for_an_unknown_address_and_sends_nothing()
    {
        using var client = platform.CreateGatewayClient();
        var known = UniqueEmail("known");
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(client, known)).StatusCode);
        var unknown = UniqueEmail("unknown");

        var (unknownStatus, unknownBody, unknownTime) = await ForgotAsync(client, unknown);
        var (knownStatus, knownBody, knownTime) = await ForgotAsync(client, known);

        Assert.Equal(HttpStatusCode.Accepted, unknownStatus);
        Assert.Equal(knownStatus, unknownStatus);
        Assert.Equal(knownBody, unknownBody);
        // Both answers are held to the same floor (Identity:AccountEmails:ForgotPasswordMinimumDuration, 400 ms).
        Assert.True(unknownTime >= TimeSpan.FromMilliseconds(390), $"unknown address answered in {unknownTime.TotalMilliseconds} ms");
        Assert.True(knownTime >= TimeSpan.FromMilliseconds(390), $"known address answered in {knownTime.TotalMilliseconds} ms");
        // The known address's mail arrives; by then nothing has been sent to the unknown one.
        await _mail.WaitForAsync(known, "Reset your password");
        Assert.Empty(await _mail.MessagesToAsync(unknown));
    }

    [Fact]
    public async Task Verification_link_from_registration_marks_the_account_verified()
    {
        using var client = platform.CreateGatewayClient();
        var email = UniqueEmail("verify");
        var register = await RegisterAsync(client, email);
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        Assert.False((await register.JsonAsync()).GetProperty("user").GetProperty("email_verified").GetBoolean());
        // Unverified accounts can log in (Identity:RequireVerifiedEmail is off by default); the answer says so.
        var before = await LoginAsync(client, email);
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.False((await before.JsonAsync()).GetProperty("user").GetProperty("email_verified").GetBoolean());

        var mail = await _mail.WaitForAsync(email, "Confirm your e-mail address");
        var (link, token) = mail.TokenLink();
        AssertLinksToThePublicUrl(link, "/verify-email");
        var verify = await client.PostAsJsonAsync("/api/auth/verify-email", new { token });

        Assert.Equal(HttpStatusCode.OK, verify.StatusCode);
        Assert.True((await verify.JsonAsync()).GetProperty("data").GetProperty("email_verified").GetBoolean());
        var after = await LoginAsync(client, email);
        Assert.True((await after.JsonAsync()).GetProperty("user").GetProperty("email_verified").GetBoolean());
        await AssertErrorAsync(await client.PostAsJsonAsync("/api/auth/verify-email", new { token }), HttpStatusCode.BadRequest, "invalid_token");
    }

    [Fact]
    public async Task Change_of_email_is_applied_from_the_link_sent_to_the_new_address()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);
        var newEmail = UniqueEmail("moved");

        await AssertErrorAsync(await SendAsync(client, HttpMethod.Post, "/api/users/me/email", session.AccessToken,
            new { new_email = newEmail, password = "WrongPassword1" }), HttpStatusCode.Forbidden, "invalid_credentials");
        var change = await SendAsync(client, HttpMethod.Post, "/api/users/me/email", session.AccessToken, new { new_email = newEmail, password = Password });
        Assert.Equal(HttpStatusCode.Accepted, change.StatusCode);
        // Nothing changes until the link is followed.
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, session.Email)).StatusCode);

        var mail = await _mail.WaitForAsync(newEmail, "Confirm your new e-mail address");
        var (link, token) = mail.TokenLink();
        AssertLinksToThePublicUrl(link, "/confirm-email-change");
        var confirm = await client.PostAsJsonAsync("/api/auth/confirm-email-change", new { token });

        Assert.Equal(HttpStatusCode.OK, confirm.StatusCode);
        var user = (await confirm.JsonAsync()).GetProperty("data");
        Assert.Equal(newEmail, user.GetProperty("email").GetString());
        Assert.True(user.GetProperty("email_verified").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, newEmail)).StatusCode);
        await AssertErrorAsync(await LoginAsync(client, session.Email), HttpStatusCode.Unauthorized, "invalid_credentials");
        await AssertErrorAsync(await client.PostAsJsonAsync("/api/auth/confirm-email-change", new { token }), HttpStatusCode.BadRequest, "invalid_token");
    }

    [Fact]
    public async Task Confirming_a_change_to_an_address_taken_meanwhile_is_a_conflict()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);
        var wanted = UniqueEmail("wanted");
        Assert.Equal(HttpStatusCode.Accepted,
            (await SendAsync(client, HttpMethod.Post, "/api/users/me/email", session.AccessToken, new { new_email = wanted, password = Password })).StatusCode);
        var (_, token) = (await _mail.WaitForAsync(wanted, "Confirm your new e-mail address")).TokenLink();

        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(client, wanted)).StatusCode);

        await AssertErrorAsync(await client.PostAsJsonAsync("/api/auth/confirm-email-change", new { token }), HttpStatusCode.Conflict, "email_exists");
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, session.Email)).StatusCode);
        // Asking for an address that is already taken is refused at once.
        await AssertErrorAsync(await SendAsync(client, HttpMethod.Post, "/api/users/me/email", session.AccessToken,
            new { new_email = wanted, password = Password }), HttpStatusCode.Conflict, "email_exists");
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_4xx_in_the_envelope()
    {
        using var client = platform.CreateGatewayClient();

        await AssertErrorAsync(await client.PostAsJsonAsync("/api/auth/forgot-password", new { email = "not-an-address" }), HttpStatusCode.BadRequest, "validation_error");
        await AssertErrorAsync(await client.PostAsJsonAsync("/api/auth/forgot-password", new[] { 1 }), HttpStatusCode.BadRequest, "validation_error");
        await AssertErrorAsync(await client.PostAsJsonAsync("/api/auth/reset-password", new { token = new string('a', 43), new_password = NewPassword }),
            HttpStatusCode.BadRequest, "invalid_token");
        var weak = await AssertErrorAsync(await client.PostAsJsonAsync("/api/auth/reset-password", new { token = "x", new_password = "short" }),
            HttpStatusCode.BadRequest, "validation_error");
        Assert.True(weak.GetProperty("details").TryGetProperty("new_password", out _));
        await AssertErrorAsync(await client.PostAsJsonAsync("/api/auth/verify-email", new { token = 42 }), HttpStatusCode.BadRequest, "validation_error");
        await AssertErrorAsync(await client.PostAsJsonAsync("/api/auth/confirm-email-change", new { }), HttpStatusCode.BadRequest, "validation_error");
        Assert.Equal(HttpStatusCode.Unauthorized,
            (await client.PostAsJsonAsync("/api/users/me/email", new { new_email = UniqueEmail(), password = Password })).StatusCode);
    }

    private static async Task<(HttpStatusCode Status, string Body, TimeSpan Time)> ForgotAsync(HttpClient client, string email)
    {
        var watch = Stopwatch.StartNew();
        using var response = await client.PostAsJsonAsync("/api/auth/forgot-password", new { email });
        var body = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, body, watch.Elapsed);
    }

    /// <summary>Links point at the platform's public URL (in a development run, the gateway).</summary>
    private void AssertLinksToThePublicUrl(Uri link, string page)
    {
        var gateway = platform.App.GetEndpoint("gateway", "http");
        Assert.Equal(gateway.Port, link.Port);
        Assert.Equal(page, link.AbsolutePath);
    }
}
