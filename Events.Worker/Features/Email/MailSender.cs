using MailKit.Net.Smtp;
using MimeKit;

namespace Events.Worker.Features.Email;

/// <summary>Delivers one message over SMTP (MailKit): connect, authenticate if configured, send, disconnect.</summary>
public sealed class MailSender(IOptions<SmtpSettings> settings)
{
    public async Task SendAsync(MailboxAddress to, RenderedEmail email, string messageId, CancellationToken cancellationToken)
    {
        var smtp = settings.Value;
        if (string.IsNullOrEmpty(smtp.Host))
        {
            // Retried, then dead-lettered: the messages wait in <topic>.dlt until an operator configures SMTP.
            throw new InvalidOperationException("Smtp:Host is not configured; no e-mail can be sent");
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(to);
        message.Subject = email.Subject;
        // One id per event: a redelivered event carries the same Message-ID, so mail clients can tell the duplicate.
        message.MessageId = messageId;
        message.Body = new BodyBuilder { TextBody = email.Text, HtmlBody = email.Html }.ToMessageBody();

        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}
