using System.Net;
using System.Net.Http.Json;
using System.Text;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Identity;

[Collection(PlatformCollection.Name)]
public sealed class ProfileTests(PlatformFixture platform)
{
    [Fact]
    public async Task Me_with_a_valid_token_returns_the_profile()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);

        var response = await MeAsync(client, session.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("User profile retrieved successfully", body.GetProperty("message").GetString());
        Assert.Equal(session.Email, body.GetProperty("data").GetProperty("email").GetString());
        Assert.False(body.GetProperty("data").TryGetProperty("password_hash", out _));
    }

    [Fact]
    public async Task Me_without_or_with_a_garbage_token_is_401()
    {
        using var client = platform.CreateGatewayClient();

        await AssertErrorAsync(await client.GetAsync("/api/users/me"), HttpStatusCode.Unauthorized, "unauthorized");
        await AssertErrorAsync(await MeAsync(client, "not.a.token"), HttpStatusCode.Unauthorized, "invalid_token");
    }

    [Fact]
    public async Task Update_changes_the_given_names_trimmed_and_ignores_email()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);

        var response = await SendAsync(client, HttpMethod.Put, "/api/users/me", session.AccessToken,
            new { first_name = "  Grace ", email = "hijack@example.com" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.JsonAsync()).GetProperty("data");
        Assert.Equal("Grace", data.GetProperty("first_name").GetString());
        Assert.Equal("User", data.GetProperty("last_name").GetString());
        Assert.Equal(session.Email, data.GetProperty("email").GetString());
        var me = (await (await MeAsync(client, session.AccessToken)).JsonAsync()).GetProperty("data");
        Assert.Equal("Grace", me.GetProperty("first_name").GetString());
    }

    [Fact]
    public async Task An_empty_object_update_is_a_no_op_200()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);
        var before = (await (await MeAsync(client, session.AccessToken)).JsonAsync()).GetProperty("data");

        var response = await SendAsync(client, HttpMethod.Put, "/api/users/me", session.AccessToken, new { });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.Equal("User profile updated successfully", body.GetProperty("message").GetString());
        Assert.Equal(before.GetProperty("updated_at").GetString(), body.GetProperty("data").GetProperty("updated_at").GetString());
        Assert.Equal(before.GetProperty("first_name").GetString(), body.GetProperty("data").GetProperty("first_name").GetString());
    }

    [Fact]
    public async Task Update_refuses_null_blank_and_too_long_names()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);

        var response = await SendAsync(client, HttpMethod.Put, "/api/users/me", session.AccessToken,
            new { first_name = (string?)null, last_name = new string('x', 101) });

        var details = (await AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error")).GetProperty("details");
        Assert.True(details.TryGetProperty("first_name", out _));
        Assert.True(details.TryGetProperty("last_name", out _));
        var blank = await SendAsync(client, HttpMethod.Put, "/api/users/me", session.AccessToken, new { last_name = "  " });
        await AssertErrorAsync(blank, HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task Update_with_malformed_json_or_wrong_content_type_is_400_or_415()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);

        var malformed = new HttpRequestMessage(HttpMethod.Put, "/api/users/me") { Content = new StringContent("{", Encoding.UTF8, "application/json") };
        malformed.Headers.Authorization = new("Bearer", session.AccessToken);
        var text = new HttpRequestMessage(HttpMethod.Put, "/api/users/me") { Content = new StringContent("first_name=x", Encoding.UTF8, "text/plain") };
        text.Headers.Authorization = new("Bearer", session.AccessToken);

        await AssertErrorAsync(await client.SendAsync(malformed), HttpStatusCode.BadRequest, "bad_request");
        await AssertErrorAsync(await client.SendAsync(text), HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task Jwks_is_published_through_the_gateway_with_the_tokens_kid()
    {
        using var client = platform.CreateGatewayClient();
        var session = await NewSessionAsync(client);

        var jwks = await client.GetFromJsonAsync<System.Text.Json.JsonElement>("/.well-known/jwks.json");

        var kid = JwtPart(session.AccessToken, 0).GetProperty("kid").GetString();
        var key = Assert.Single(jwks.GetProperty("keys").EnumerateArray(), k => k.GetProperty("kid").GetString() == kid);
        Assert.Equal("EC", key.GetProperty("kty").GetString());
        Assert.Equal("P-256", key.GetProperty("crv").GetString());
        Assert.False(key.TryGetProperty("d", out _));
    }
}
