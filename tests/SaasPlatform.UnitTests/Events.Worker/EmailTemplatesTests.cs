using Events.Worker.Features.Email;

namespace SaasPlatform.UnitTests.Events.Worker;

public sealed class EmailTemplatesTests
{
    private static readonly EmailTemplates Templates = new();

    private static Dictionary<string, string> Values(string firstName = "Ada") => new()
    {
        ["first_name"] = firstName,
        ["reset_url"] = "https://app.example.test/reset-password?token=abc_DEF-123",
        ["expires_in"] = "1 hour",
    };

    [Fact]
    public void Renders_subject_text_and_html_with_the_values()
    {
        var email = Templates.Render("password-reset", Values());

        Assert.Equal("Reset your password", email.Subject);
        Assert.StartsWith("Hello Ada,", email.Text, StringComparison.Ordinal);
        Assert.Contains("https://app.example.test/reset-password?token=abc_DEF-123", email.Text, StringComparison.Ordinal);
        Assert.Contains("expires in 1 hour", email.Text, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://app.example.test/reset-password?token=abc_DEF-123\"", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", email.Text + email.Html + email.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_are_HTML_encoded_in_the_HTML_and_left_as_they_are_in_the_text()
    {
        const string hostile = "<script>alert(1)</script>\" onmouseover=\"x&";

        var email = Templates.Render("password-reset", Values(hostile));

        Assert.DoesNotContain("<script>", email.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("\" onmouseover=\"", email.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&quot;x&amp;", email.Html, StringComparison.Ordinal);
        Assert.Contains(hostile, email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_value_cannot_add_a_header_line_to_the_subject()
    {
        var email = Templates.Render("email-change", new Dictionary<string, string>
        {
            ["first_name"] = "Ada",
            ["new_email"] = "ada@example.test",
            ["confirm_url"] = "https://app.example.test/confirm-email-change?token=t",
            ["expires_in"] = "24 hours",
        });

        Assert.DoesNotContain('\n', email.Subject);
        Assert.Contains("ada@example.test", email.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("no-such-template")]
    [InlineData("../Templates/password-reset")]
    [InlineData("Password-Reset")]
    [InlineData("")]
    public void An_unknown_or_malformed_template_name_is_refused(string name) =>
        Assert.Throws<EmailTemplateException>(() => Templates.Render(name, Values()));

    [Fact]
    public void A_missing_value_is_refused_rather_than_sent_with_a_hole()
    {
        var values = Values();
        values.Remove("reset_url");

        var error = Assert.Throws<EmailTemplateException>(() => Templates.Render("password-reset", values));
        Assert.Contains("reset_url", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_template_has_a_text_part_with_a_subject_and_an_html_part()
    {
        var resources = typeof(EmailTemplates).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("EmailTemplates.", StringComparison.Ordinal)).ToList();
        var names = resources.Select(n => Path.GetFileNameWithoutExtension(n["EmailTemplates.".Length..])).Distinct().ToList();

        Assert.Contains("password-reset", names);
        Assert.Contains("email-verification", names);
        Assert.Contains("email-change", names);
        foreach (var name in names)
        {
            Assert.Contains($"EmailTemplates.{name}.txt", resources);
            Assert.Contains($"EmailTemplates.{name}.html", resources);
            using var text = new StreamReader(typeof(EmailTemplates).Assembly.GetManifestResourceStream($"EmailTemplates.{name}.txt")!);
            Assert.StartsWith("Subject: ", text.ReadLine(), StringComparison.Ordinal);
        }
    }
}
