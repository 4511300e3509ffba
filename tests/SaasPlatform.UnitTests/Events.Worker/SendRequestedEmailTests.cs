using System.Net;
using System.Net.Sockets;
using System.Text;
using Events.Worker.Consuming;
using Events.Worker.Features.Email;
using MailKit.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MimeKit;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Events;
using SaasPlatform.Messaging.Handling;

namespace SaasPlatform.UnitTests.Events.Worker;

/// <summary>
/// The <c>email.requested</c> handler with MailKit against a minimal SMTP server in the test (the real servers,
/// maildev and MailPit, are exercised by the end-to-end tests): what is sent, and which failures retry or dead-letter.
/// </summary>
public sealed class SendRequestedEmailTests
{
    private static PlatformEvent Event(string to, string template = "email-verification", Dictionary<string, string>? values = null) =>
        PlatformEvent.Create(Topics.EmailRequested, null, Guid.NewGuid(), new EmailRequested(to, template, values ?? new Dictionary<string, string>
        {
            ["first_name"] = "Ada <b>",
            ["verify_url"] = "https://app.example.test/verify-email?token=abc",
            ["expires_in"] = "2 days",
        }));

    private static SendRequestedEmail Handler(int port) => new(new EmailTemplates(),
        new MailSender(Options.Create(new SmtpSettings { Host = "127.0.0.1", Port = port, Security = SecureSocketOptions.None, From = "Platform <no-reply@example.test>" })),
        new HandlingReport(), NullLogger<SendRequestedEmail>.Instance);

    [Fact]
    public async Task Sends_one_multipart_message_with_text_and_html_and_an_id_from_the_event()
    {
        using var server = new RecordingSmtpServer();
        var platformEvent = Event("ada@example.test");

        await Handler(server.Port).HandleAsync(platformEvent, CancellationToken.None);

        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(await server.MessageAsync())));
        Assert.Equal("ada@example.test", message.To.Mailboxes.Single().Address);
        Assert.Equal("no-reply@example.test", message.From.Mailboxes.Single().Address);
        Assert.Equal("Confirm your e-mail address", message.Subject);
        Assert.Equal($"{platformEvent.EventId:N}@saasplatform", message.MessageId);
        Assert.Contains("Hello Ada <b>,", message.TextBody, StringComparison.Ordinal);
        Assert.Contains("Hello Ada &lt;b&gt;,", message.HtmlBody, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not an address", "email-verification")]
    [InlineData("ada@example.test", "no-such-template")]
    public async Task Bad_data_is_dead_lettered_at_once(string to, string template) =>
        await Assert.ThrowsAsync<PoisonEventException>(() => Handler(1).HandleAsync(Event(to, template), CancellationToken.None));

    [Fact]
    public async Task A_missing_value_is_dead_lettered_at_once() =>
        await Assert.ThrowsAsync<PoisonEventException>(() =>
            Handler(1).HandleAsync(Event("ada@example.test", values: new Dictionary<string, string> { ["first_name"] = "Ada" }), CancellationToken.None));

    [Fact]
    public async Task An_unreachable_server_throws_so_the_consumer_retries()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now

        var error = await Record.ExceptionAsync(() => Handler(port).HandleAsync(Event("ada@example.test"), CancellationToken.None));

        Assert.NotNull(error);
        Assert.IsNotType<PoisonEventException>(error);
    }

    /// <summary>Just enough SMTP for one message: greets, accepts every command, keeps the DATA.</summary>
    private sealed class RecordingSmtpServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Task<string> _message;

        public RecordingSmtpServer()
        {
            _listener.Start();
            _message = ServeAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public Task<string> MessageAsync() => _message.WaitAsync(TimeSpan.FromSeconds(30));

        public void Dispose() => _listener.Stop();

        private async Task<string> ServeAsync()
        {
            using var client = await _listener.AcceptTcpClientAsync();
            using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 test ESMTP");
            var data = new StringBuilder();
            while (await reader.ReadLineAsync() is { } line)
            {
                var command = line.ToUpperInvariant();
                if (command.StartsWith("EHLO", StringComparison.Ordinal))
                {
                    await writer.WriteLineAsync("250 test");
                }
                else if (command == "DATA")
                {
                    await writer.WriteLineAsync("354 go ahead");
                    while (await reader.ReadLineAsync() is { } body && body != ".")
                    {
                        data.Append(body.StartsWith("..", StringComparison.Ordinal) ? body[1..] : body).Append("\r\n");
                    }

                    await writer.WriteLineAsync("250 queued");
                }
                else if (command == "QUIT")
                {
                    await writer.WriteLineAsync("221 bye");
                    break;
                }
                else
                {
                    await writer.WriteLineAsync("250 ok");
                }
            }

            return data.ToString();
        }
    }
}
