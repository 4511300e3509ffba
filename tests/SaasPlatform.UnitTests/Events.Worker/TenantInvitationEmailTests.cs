using Events.Worker.Features.Email;

namespace SaasPlatform.UnitTests.Events.Worker;

/// <summary>The <c>tenant-invitation</c> template with the values Tenancy.Api's InvitationMail sends.</summary>
public sealed class TenantInvitationEmailTests
{
    private static readonly EmailTemplates Templates = new();

    private static Dictionary<string, string> Values(string tenantName = "Acme Corp") => new()
    {
        ["tenant_name"] = tenantName,
        ["inviter_name"] = "Ada Admin",
        ["role"] = "user",
        ["accept_url"] = "https://app.example.test/accept-invitation?token=abc_DEF-123",
        ["expires_at"] = "2026-12-08 12:00 UTC",
    };

    [Fact]
    public void Names_the_inviter_the_tenant_the_role_and_the_link()
    {
        var email = Templates.Render("tenant-invitation", Values());

        Assert.Equal("Ada Admin invited you to Acme Corp", email.Subject);
        Assert.Contains("join Acme Corp as user", email.Text, StringComparison.Ordinal);
        Assert.Contains("https://app.example.test/accept-invitation?token=abc_DEF-123", email.Text, StringComparison.Ordinal);
        Assert.Contains("expires on 2026-12-08 12:00 UTC", email.Text, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://app.example.test/accept-invitation?token=abc_DEF-123\"", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", email.Text + email.Html + email.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tenant_name_cannot_add_markup_or_a_header_line()
    {
        var email = Templates.Render("tenant-invitation", Values("Evil\r\nBcc: x@example.test <a href=\"https://evil.test\">"));

        Assert.DoesNotContain('\n', email.Subject);
        Assert.DoesNotContain("<a href=\"https://evil.test\">", email.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_value_is_required()
    {
        foreach (var key in Values().Keys)
        {
            var values = Values();
            values.Remove(key);
            Assert.Throws<EmailTemplateException>(() => Templates.Render("tenant-invitation", values));
        }
    }
}
