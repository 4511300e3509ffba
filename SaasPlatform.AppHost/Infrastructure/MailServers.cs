namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>
/// Where Events.Worker sends e-mail (its <c>Smtp</c> section): the SMTP host and port, and in a deployment the relay's
/// credentials. <see cref="Server"/> is the development server the dashboard shows (none in a deployment).
/// </summary>
public sealed record PlatformMail(
    ReferenceExpression Host,
    ReferenceExpression Port,
    IResourceBuilder<ParameterResource>? Username,
    IResourceBuilder<ParameterResource>? Password,
    IResourceBuilder<IResourceWithEndpoints>? Server);

/// <summary>
/// A mail server in every mode (docs/decisions/mail-delivery.md): locally the npm <c>maildev</c> (SMTP plus an HTTP API
/// the end-to-end tests read), under Docker a MailPit container as CommunityToolkit.Aspire.Hosting.MailPit declares it
/// (SMTP 1025, HTTP 8025, <c>/livez</c> and <c>/readyz</c>), and in a deployment the SMTP relay the operator names:
/// <c>smtp-host</c> and <c>smtp-port</c> as settings, <c>smtp-username</c> and <c>smtp-password</c> from the Secret.
/// </summary>
public static class MailServers
{
    /// <summary>The local development server's resource name; its endpoints are <c>smtp</c> and <c>http</c> (the API).</summary>
    public const string LocalName = "mail-dev-server";

    public const string MailPitName = "mailpit";
    public const string MailPitImage = "axllent/mailpit";
    public const string MailPitTag = "v1.22.3"; // the CommunityToolkit integration's pin

    public static PlatformMail AddLocal(IDistributedApplicationBuilder builder, string repoRoot)
    {
        // Ports are allocated per run (concurrent test runs never collide); maildev reads them from its environment.
        var maildev = builder.AddExecutable(LocalName, "node", repoRoot,
                Path.Combine(repoRoot, "eng", "maildev", "node_modules", "maildev", "dist", "bin", "maildev.js"))
            .WithEnvironment("MAILDEV_IP", "127.0.0.1")
            .WithEnvironment("MAILDEV_WEB_IP", "127.0.0.1")
            .WithEndpoint(name: "smtp", scheme: "tcp", env: "MAILDEV_SMTP_PORT")
            .WithHttpEndpoint(name: "http", env: "MAILDEV_WEB_PORT")
            .WithHttpHealthCheck("/api/healthz", endpointName: "http")
            .ExcludeFromManifest();
        var smtp = maildev.GetEndpoint("smtp");
        return new PlatformMail(
            ReferenceExpression.Create($"{smtp.Property(EndpointProperty.Host)}"),
            ReferenceExpression.Create($"{smtp.Property(EndpointProperty.Port)}"),
            Username: null, Password: null, maildev);
    }

    /// <summary>MailPit for development runs with Docker; the operator's relay when publishing.</summary>
    public static PlatformMail AddContainerOrRelay(IDistributedApplicationBuilder builder)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return new PlatformMail(
                ReferenceExpression.Create($"{builder.AddParameter("smtp-host").Resource}"),
                ReferenceExpression.Create($"{builder.AddParameter("smtp-port").Resource}"),
                builder.AddParameter("smtp-username", secret: true),
                builder.AddParameter("smtp-password", secret: true),
                Server: null);
        }

        var mailpit = builder.AddContainer(MailPitName, MailPitImage, MailPitTag)
            .WithImageRegistry("docker.io")
            .WithEndpoint(targetPort: 1025, name: "smtp", scheme: "tcp")
            .WithHttpEndpoint(targetPort: 8025, name: "http")
            .WithHttpHealthCheck("/livez", endpointName: "http")
            .WithHttpHealthCheck("/readyz", endpointName: "http");
        var smtp = mailpit.GetEndpoint("smtp");
        return new PlatformMail(
            ReferenceExpression.Create($"{smtp.Property(EndpointProperty.Host)}"),
            ReferenceExpression.Create($"{smtp.Property(EndpointProperty.Port)}"),
            Username: null, Password: null, mailpit);
    }

    /// <summary>
    /// Gives a service the <c>Smtp</c> settings. No <c>WaitFor</c>: a mail server that is down delays e-mail (the
    /// event is retried, then dead-lettered), never the rest of the platform.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithMail(this IResourceBuilder<ProjectResource> project, PlatformMail mail)
    {
        project.WithEnvironment("Smtp__Host", mail.Host).WithEnvironment("Smtp__Port", mail.Port);
        if (mail.Username is not null && mail.Password is not null)
        {
            project.WithEnvironment("Smtp__Username", mail.Username).WithEnvironment("Smtp__Password", mail.Password);
        }

        if (mail.Server is not null)
        {
            project.WithRelationship(mail.Server.Resource, "Reference");
        }

        return project;
    }

    /// <summary>
    /// <c>Platform__PublicUrl</c>, the base of the links in e-mails: the gateway's URL in a development run, the
    /// parameter <c>public-url</c> (the address clients use, e.g. the Ingress host) in a deployment.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithPublicUrl(this IResourceBuilder<ProjectResource> project, IResourceBuilder<ProjectResource> gateway)
    {
        var builder = project.ApplicationBuilder;
        return builder.ExecutionContext.IsPublishMode
            ? project.WithEnvironment("Platform__PublicUrl", builder.Resources.OfType<ParameterResource>().FirstOrDefault(p => p.Name == "public-url") is { } existing
                ? builder.CreateResourceBuilder(existing)
                : builder.AddParameter("public-url"))
            : project.WithEnvironment("Platform__PublicUrl", gateway.GetEndpoint("http"));
    }
}
