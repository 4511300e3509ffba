using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace Events.Worker.Features.Email;

/// <summary>A rendered e-mail: subject, plain text and HTML bodies.</summary>
public sealed record RenderedEmail(string Subject, string Text, string Html);

/// <summary>A template that is missing or needs a value the event does not carry: retrying cannot help.</summary>
public sealed class EmailTemplateException(string message) : Exception(message);

/// <summary>
/// The e-mail templates, embedded from <c>Features/Email/Templates</c>: <c>&lt;name&gt;.txt</c> (its first line is
/// <c>Subject: ...</c>) and <c>&lt;name&gt;.html</c>. Placeholders are <c>{{ key }}</c>; values are inserted as they
/// are in the text and the subject (line breaks removed there) and HTML-encoded in the HTML, so a value such as a
/// user's name can never add markup or a link.
/// </summary>
public sealed partial class EmailTemplates
{
    private const string ResourcePrefix = "EmailTemplates.";
    private readonly ConcurrentDictionary<string, (string Subject, string Text, string Html)?> _templates = new(StringComparer.Ordinal);

    /// <summary>Template names: lower-case words and dashes only (the name becomes a resource name).</summary>
    public static bool IsValidName(string? name) => name is { Length: > 0 and <= 64 } && NamePattern().IsMatch(name);

    public RenderedEmail Render(string template, IReadOnlyDictionary<string, string>? values)
    {
        if (!IsValidName(template) || _templates.GetOrAdd(template, Load) is not { } parts)
        {
            throw new EmailTemplateException($"no e-mail template '{template}'");
        }

        values ??= new Dictionary<string, string>();
        var subject = Fill(parts.Subject, values, v => v.ReplaceLineEndings(" "));
        return new RenderedEmail(subject, Fill(parts.Text, values, v => v), Fill(parts.Html, values, WebUtility.HtmlEncode));
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values, Func<string, string> encode) =>
        Placeholder().Replace(template, match =>
        {
            var key = match.Groups[1].Value;
            return values.TryGetValue(key, out var value)
                ? encode(value)
                : throw new EmailTemplateException($"the template needs a value for '{key}'");
        });

    private static (string Subject, string Text, string Html)? Load(string name)
    {
        var text = Read(name + ".txt");
        var html = Read(name + ".html");
        if (text is null || html is null)
        {
            return null;
        }

        var newline = text.IndexOf('\n', StringComparison.Ordinal);
        var first = newline < 0 ? text : text[..newline];
        if (!first.StartsWith("Subject:", StringComparison.Ordinal))
        {
            throw new EmailTemplateException($"template '{name}.txt' does not start with 'Subject:'");
        }

        return (first["Subject:".Length..].Trim(), newline < 0 ? "" : text[(newline + 1)..].TrimStart('\r', '\n'), html);
    }

    private static string? Read(string file)
    {
        using var stream = typeof(EmailTemplates).Assembly.GetManifestResourceStream(ResourcePrefix + file);
        if (stream is null)
        {
            return null;
        }

        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\{\{\s*([a-z0-9_]+)\s*\}\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex NamePattern();
}
