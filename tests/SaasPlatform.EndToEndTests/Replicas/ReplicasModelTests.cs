using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace SaasPlatform.EndToEndTests.Replicas;

/// <summary>
/// <c>--Platform:Replicas=N</c> in the application model, without starting anything: every service gets N replicas in
/// local and container mode; the AppHost's own tools (the dev servers, <c>init</c>) stay single.
/// </summary>
public sealed class ReplicasModelTests
{
    private static readonly string[] Services = PlatformFixture.Services;

    [Theory]
    [InlineData("local")]
    [InlineData("containers")]
    public async Task Every_service_and_nothing_else_gets_the_replicas(string infrastructure)
    {
        var model = await ModelAsync(infrastructure, "--Platform:Replicas=3");

        Assert.All(Services, name => Assert.Equal(3, model.Single(r => r.Name == name).GetReplicaCount()));
        Assert.All(model.Where(r => !Services.Contains(r.Name)), r => Assert.Equal(1, r.GetReplicaCount()));
        Assert.Contains(model, r => r.Name == "init");
        if (infrastructure == "local")
        {
            Assert.Contains(model, r => r.Name == "kafka-dev-broker");
        }
    }

    [Fact]
    public async Task Without_the_setting_every_service_runs_once()
    {
        var model = await ModelAsync("local");

        Assert.All(model, r => Assert.Equal(1, r.GetReplicaCount()));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("two")]
    public async Task A_bad_count_is_refused_naming_the_setting(string value)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ModelAsync("local", $"--Platform:Replicas={value}"));
        Assert.Contains("Platform:Replicas", error.Message, StringComparison.Ordinal);
    }

    private static async Task<List<IResource>> ModelAsync(string infrastructure, params string[] args)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.SaasPlatform_AppHost>(
            ["--DOTNET_LAUNCH_PROFILE=http", $"--Platform:Infrastructure={infrastructure}", "--ADMIN_EMAIL=admin@example.com", .. args]);
        return [.. builder.Resources];
    }
}
