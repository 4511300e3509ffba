using MimeKit;

namespace Events.Worker.Features.Email;

/// <summary>
/// <c>email.requested</c>: renders the named template with the event's values and sends it. An SMTP failure throws,
/// so the consumer retries and then dead-letters to <c>email.requested.dlt</c>; bad data (no such template, a missing
/// value, an invalid address) can never succeed and is dead-lettered at once. Delivery is at least once: a crash
/// between the SMTP server's acceptance and the inbox row sends the message again (same Message-ID).
/// </summary>
internal sealed class SendRequestedEmail(EmailTemplates templates, MailSender sender, HandlingReport report, ILogger<SendRequestedEmail> logger)
    : IEventHandler
{
    public IReadOnlyCollection<string> Topics { get; } = [SaasPlatform.Messaging.Topics.EmailRequested];

    public async Task HandleAsync(PlatformEvent platformEvent, CancellationToken cancellationToken)
    {
        var data = platformEvent.DataAs<EmailRequested>();
        if (data is null || data.To is null || !MailboxAddress.TryParse(data.To, out var to) || string.IsNullOrEmpty(to.Address) || !to.Address.Contains('@', StringComparison.Ordinal))
        {
            throw new PoisonEventException("email.requested without a valid 'to' address");
        }

        RenderedEmail email;
        try
        {
            email = templates.Render(data.Template, data.Values);
        }
        catch (EmailTemplateException ex)
        {
            throw new PoisonEventException(ex.Message, ex);
        }

        await sender.SendAsync(to, email, $"{platformEvent.EventId:N}@saasplatform", cancellationToken);
        report.Detail = $"sent '{data.Template}'";
        // The address is personal data: the log names the template and the event, not the recipient.
        logger.LogInformation("Sent e-mail {Template} for event {EventId}", data.Template, platformEvent.EventId);
    }
}
