using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SaasPlatform.EndToEndTests;

[Collection(PlatformCollection.Name)]
public sealed class FoundationTests(PlatformFixture platform)
{
    [Fact]
    public async Task Gateway_health_reports_every_service_healthy()
    {
        using var gateway = platform.CreateGatewayClient();

        var response = await gateway.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal("SaaS Multi-Tenant Backend", body.GetProperty("service").GetString());
    }

    [Theory]
    [InlineData("identity-api")]
    [InlineData("tenancy-api")]
    [InlineData("documents-api")]
    [InlineData("events-worker")]
    public async Task Each_service_answers_health_and_alive(string service)
    {
        using var client = platform.CreateDirectClient(service);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/alive", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Unknown_route_answers_404_in_the_envelope()
    {
        using var gateway = platform.CreateGatewayClient();

        var response = await gateway.GetAsync(new Uri("/api/tenants/not-a-route/x/y/z", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal("not_found", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Root_describes_the_api()
    {
        using var gateway = platform.CreateGatewayClient();

        var body = await gateway.GetFromJsonAsync<JsonElement>(new Uri("/", UriKind.Relative));

        Assert.Equal("running", body.GetProperty("status").GetString());
        Assert.Equal("/api/docs", body.GetProperty("documentation").GetString());
    }
}
