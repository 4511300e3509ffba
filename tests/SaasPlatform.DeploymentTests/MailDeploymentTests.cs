using k8s.Models;

namespace SaasPlatform.DeploymentTests;

/// <summary>
/// A deployment sends mail through the operator's SMTP relay: host and port as settings, credentials from the Secret,
/// links based on <c>public-url</c>; no development mail server is published.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class MailDeploymentTests(DeploymentFixture fixture)
{
    [Fact]
    public void The_manifest_names_the_relay_as_parameters_and_publishes_no_mail_server()
    {
        var events = fixture.Resources["events-worker"]!["env"]!;
        Assert.Equal("{smtp-host.value}", (string?)events["Smtp__Host"]);
        Assert.Equal("{smtp-port.value}", (string?)events["Smtp__Port"]);
        Assert.Equal("{smtp-username.value}", (string?)events["Smtp__Username"]);
        Assert.Equal("{smtp-password.value}", (string?)events["Smtp__Password"]);
        Assert.True((bool?)fixture.Resources["smtp-password"]!["inputs"]?["value"]?["secret"] == true);
        Assert.Equal("{public-url.value}", (string?)fixture.Resources["identity-api"]!["env"]!["Platform__PublicUrl"]);
        Assert.Equal("{public-url.value}", (string?)fixture.Resources["tenancy-api"]!["env"]!["Platform__PublicUrl"]); // invitations

        Assert.DoesNotContain(fixture.Resources, r => r.Key is "mailpit" or "mail-dev-server");
    }

    [Theory]
    [InlineData("statefulsets")]
    [InlineData("external")]
    public async Task Kubernetes_takes_relay_settings_from_the_values_and_credentials_from_the_Secret(string mode)
    {
        var output = await new KubernetesManifestTests(fixture).GenerateAsync(mode);

        var config = output.Of<V1ConfigMap>().Single(c => c.Metadata.Name == "events-worker-env").Data;
        Assert.Equal("smtp.example.test", config["Smtp__Host"]);
        Assert.Equal("587", config["Smtp__Port"]);
        var env = output.ContainerOf("events-worker").Env;
        Assert.Equal("smtp-password", env.Single(e => e.Name == "Smtp__Password").ValueFrom.SecretKeyRef.Key);
        Assert.Equal("smtp-username", env.Single(e => e.Name == "Smtp__Username").ValueFrom.SecretKeyRef.Key);
        Assert.Contains("smtp-password", output.ExpectedSecretKeys);
        Assert.Equal("https://app.example.test",
            output.Of<V1ConfigMap>().Single(c => c.Metadata.Name == "identity-api-env").Data["Platform__PublicUrl"]);
        Assert.Equal("https://app.example.test",
            output.Of<V1ConfigMap>().Single(c => c.Metadata.Name == "tenancy-api-env").Data["Platform__PublicUrl"]);
        Assert.DoesNotContain(output.Objects, o => o is V1StatefulSet s && s.Metadata.Name == "mailpit");
    }
}
