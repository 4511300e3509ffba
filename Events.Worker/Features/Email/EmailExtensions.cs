using Events.Worker.Features.Email;

namespace Microsoft.Extensions.Hosting;

public static class EmailExtensions
{
    /// <summary>The <c>email.requested</c> handler: templates from the repository, delivery over SMTP (<see cref="SmtpSettings"/>).</summary>
    public static IHostApplicationBuilder AddEmailDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<SmtpSettings>(builder.Configuration.GetSection(SmtpSettings.SectionName));
        builder.Services.AddSingleton<EmailTemplates>();
        builder.Services.AddSingleton<MailSender>();
        builder.Services.AddEventHandler<SendRequestedEmail>();
        return builder;
    }
}
