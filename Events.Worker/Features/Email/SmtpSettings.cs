using MailKit.Security;

namespace Events.Worker.Features.Email;

/// <summary>
/// Where e-mail leaves (section <c>Smtp</c>): the AppHost sets <c>Smtp__Host</c>/<c>Smtp__Port</c> to maildev (local),
/// MailPit (containers) or the relay a deployment names; <c>Smtp__Username</c>/<c>Smtp__Password</c> come from the
/// environment (the Kubernetes Secret) or Vault, never from a file in git.
/// </summary>
public sealed class SmtpSettings
{
    public const string SectionName = "Smtp";

    public string? Host { get; set; }

    public int Port { get; set; } = 587;

    /// <summary>Empty: no authentication (development servers, a relay that trusts the cluster network).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>The sender, e.g. <c>SaasPlatform &lt;no-reply@example.com&gt;</c>.</summary>
    public string From { get; set; } = "SaasPlatform <no-reply@saasplatform.local>";

    /// <summary>
    /// <c>Auto</c> (default): TLS on connect for port 465, STARTTLS whenever the server offers it, otherwise plain (the
    /// development servers). A deployment whose relay must be encrypted sets <c>StartTls</c> or <c>SslOnConnect</c>.
    /// </summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.Auto;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
