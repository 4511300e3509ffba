using Aspire.Hosting.ApplicationModel;
using SaasPlatform.AppHost.Infrastructure;

namespace SaasPlatform.DeploymentTests;

/// <summary>The mail server in run mode: what Events.Worker's <c>Smtp</c> settings and the public URL resolve to.</summary>
public sealed partial class AppHostModelTests
{
    [Fact]
    public async Task Container_mode_sends_mail_to_MailPit_on_its_allocated_smtp_port()
    {
        var model = await models.ContainersAsync();
        var mailpit = (ContainerResource)model.Resource(MailServers.MailPitName);

        var image = mailpit.Annotations.OfType<ContainerImageAnnotation>().Single();
        Assert.Equal((MailServers.MailPitImage, MailServers.MailPitTag), (image.Image, image.Tag));
        var endpoints = mailpit.Annotations.OfType<EndpointAnnotation>().ToDictionary(e => e.Name);
        Assert.Equal(1025, endpoints["smtp"].TargetPort);
        Assert.Equal(8025, endpoints["http"].TargetPort);
        Assert.Equal(2, mailpit.Annotations.OfType<HealthCheckAnnotation>().Count()); // /livez and /readyz

        var events = await model.EnvironmentAsync("events-worker");
        Assert.Equal("localhost", events["Smtp__Host"]);
        Assert.Equal(model.Port(MailServers.MailPitName, "smtp").ToString(System.Globalization.CultureInfo.InvariantCulture), events["Smtp__Port"]);
        Assert.DoesNotContain("Smtp__Password", events.Keys);
        Assert.DoesNotContain(model.App.Resources, r => r.Name == MailServers.LocalName);
    }

    [Fact]
    public async Task Local_mode_sends_mail_to_maildev_and_links_point_at_the_gateway()
    {
        var model = await models.LocalAsync();
        var maildev = (ExecutableResource)model.Resource(MailServers.LocalName);

        Assert.Equal(new[] { "http", "smtp" }, maildev.Annotations.OfType<EndpointAnnotation>().Select(e => e.Name).Order(StringComparer.Ordinal));
        Assert.NotEmpty(maildev.Annotations.OfType<HealthCheckAnnotation>());
        var events = await model.EnvironmentAsync("events-worker");
        Assert.Equal("localhost", events["Smtp__Host"]);
        Assert.Equal(model.Port(MailServers.LocalName, "smtp").ToString(System.Globalization.CultureInfo.InvariantCulture), events["Smtp__Port"]);

        var identity = await model.EnvironmentAsync("identity-api");
        Assert.Equal($"http://localhost:{model.Port("gateway", "http")}", identity["Platform__PublicUrl"]);
        Assert.Equal(identity["Platform__PublicUrl"], (await model.EnvironmentAsync("tenancy-api"))["Platform__PublicUrl"]);
    }
}
