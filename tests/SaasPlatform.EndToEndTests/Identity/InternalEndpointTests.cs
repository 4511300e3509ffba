using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Identity;

/// <summary>The user reads Tenancy.Api relies on, on Identity.Api directly (the gateway never routes /internal).</summary>
[Collection(PlatformCollection.Name)]
public sealed class InternalEndpointTests(PlatformFixture platform)
{
    [Fact]
    public async Task Users_are_read_by_id_by_email_and_in_bulk()
    {
        using var client = platform.CreateGatewayClient();
        using var identity = platform.CreateInternalClient("identity-api");
        var session = await NewSessionAsync(client);
        var other = await NewSessionAsync(client);

        var byId = await identity.GetFromJsonAsync<JsonElement>($"/internal/users/{session.UserId}");
        var byEmail = await identity.GetFromJsonAsync<JsonElement>($"/internal/users/by-email?email={Uri.EscapeDataString(session.Email.ToUpperInvariant())}");
        var lookup = await identity.PostAsJsonAsync("/internal/users/lookup", new { ids = new[] { session.UserId, other.UserId, Guid.NewGuid() } });

        Assert.Equal(session.Email, byId.GetProperty("email").GetString());
        Assert.True(byId.GetProperty("is_active").GetBoolean());
        Assert.False(byId.TryGetProperty("password_hash", out _));
        Assert.False(byId.TryGetProperty("success", out _)); // plain, not enveloped
        Assert.Equal(session.UserId, byEmail.GetProperty("id").GetGuid());
        Assert.Equal(HttpStatusCode.OK, lookup.StatusCode);
        var ids = (await lookup.JsonAsync()).EnumerateArray().Select(u => u.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(2, ids.Count);
        Assert.Contains(other.UserId, ids);
        Assert.Equal(HttpStatusCode.NotFound, (await identity.GetAsync($"/internal/users/{Guid.NewGuid()}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await identity.GetAsync("/internal/users/by-email?email=nobody@example.com")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await identity.GetAsync("/internal/users/not-a-uuid")).StatusCode);
    }

    [Fact]
    public async Task The_gateway_does_not_expose_internal_endpoints()
    {
        using var client = platform.CreateGatewayClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/internal/revocations?after=0")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/internal/users/{Guid.NewGuid()}")).StatusCode);
    }
}
