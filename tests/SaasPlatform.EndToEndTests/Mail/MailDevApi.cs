using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using SaasPlatform.AppHost.Infrastructure;

namespace SaasPlatform.EndToEndTests.Mail;

/// <summary>One message as maildev's HTTP API (<c>GET /api/email</c>) returns it.</summary>
internal sealed record DeliveredMail(string Id, string Subject, string Text, string Html, IReadOnlyList<string> To)
{
    /// <summary>The first link in the text body with a <c>token</c> query parameter, and that token.</summary>
    public (Uri Link, string Token) TokenLink()
    {
        var match = Regex.Match(Text, @"https?://\S+?\?token=([A-Za-z0-9_\-]+)");
        Assert.True(match.Success, $"no link with a token in: {Text}");
        return (new Uri(match.Value), match.Groups[1].Value);
    }
}

/// <summary>
/// The development mail server of the run (<c>mail-dev-server</c>, maildev): its HTTP API address comes from the
/// application model, and messages are read as a mail client would see them.
/// </summary>
internal sealed class MailDevApi(PlatformFixture platform) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = platform.App.GetEndpoint(MailServers.LocalName, "http"), Timeout = TimeSpan.FromSeconds(10) };

    public async Task<IReadOnlyList<DeliveredMail>> MessagesToAsync(string address)
    {
        var all = await _http.GetFromJsonAsync<JsonElement>("/api/email");
        return [.. all.EnumerateArray()
            .Select(Read)
            .Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase))];
    }

    /// <summary>Waits for a message to <paramref name="address"/> whose subject contains <paramref name="subject"/>.</summary>
    public async Task<DeliveredMail> WaitForAsync(string address, string subject, TimeSpan? timeout = null)
    {
        // Generous: the outbox relay, Kafka and the worker's SMTP round trip on a loaded two-core machine.
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var found = (await MessagesToAsync(address)).FirstOrDefault(m => m.Subject.Contains(subject, StringComparison.Ordinal));
            if (found is not null)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no e-mail '{subject}' to {address} within the deadline");
            await Task.Delay(200);
        }
    }

    public void Dispose() => _http.Dispose();

    private static DeliveredMail Read(JsonElement message) => new(
        message.GetProperty("id").GetString()!,
        message.TryGetProperty("subject", out var subject) ? subject.GetString() ?? "" : "",
        message.TryGetProperty("text", out var text) ? text.GetString() ?? "" : "",
        message.TryGetProperty("html", out var html) ? html.GetString() ?? "" : "",
        message.TryGetProperty("to", out var to) && to.ValueKind == JsonValueKind.Array
            ? [.. to.EnumerateArray().Select(a => a.GetProperty("address").GetString() ?? "")]
            : []);
}
