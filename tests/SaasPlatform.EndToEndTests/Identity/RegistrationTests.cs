using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Identity;

[Collection(PlatformCollection.Name)]
public sealed partial class RegistrationTests(PlatformFixture platform)
{
    [Fact]
    public async Task Register_new_user_returns_201_with_the_user_in_the_envelope_and_at_the_top_level()
    {
        using var client = platform.CreateGatewayClient();
        var email = UniqueEmail("Register");

        var response = await RegisterAsync(client, email, firstName: "  Ada ", lastName: "Lovelace");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("User registered successfully", body.GetProperty("message").GetString());
        var user = body.GetProperty("user");
        Assert.Equal(email.ToLowerInvariant(), user.GetProperty("email").GetString());
        Assert.Equal("Ada", user.GetProperty("first_name").GetString());
        Assert.Equal("Lovelace", user.GetProperty("last_name").GetString());
        Assert.True(user.GetProperty("is_active").GetBoolean());
        Assert.Matches(TimestampFormat(), user.GetProperty("created_at").GetString());
        Assert.Matches(TimestampFormat(), user.GetProperty("updated_at").GetString());
        Assert.False(user.TryGetProperty("password_hash", out _));
        Assert.Equal(user.GetProperty("id").GetGuid(), body.GetProperty("data").GetProperty("user").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Duplicate_email_in_any_case_is_409_email_exists()
    {
        using var client = platform.CreateGatewayClient();
        var email = UniqueEmail("dup");
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(client, email)).StatusCode);

        var response = await RegisterAsync(client, email.ToUpperInvariant());

        var body = await AssertErrorAsync(response, HttpStatusCode.Conflict, "email_exists");
        Assert.Contains("already exists", body.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Concurrent_duplicate_registrations_give_one_201_and_409s_never_500()
    {
        var email = UniqueEmail("race");
        var clients = Enumerable.Range(0, 4).Select(_ => platform.CreateGatewayClient()).ToList();

        var responses = await Task.WhenAll(clients.Select((c, i) => RegisterAsync(c, i % 2 == 0 ? email : email.ToUpperInvariant())));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created),
            r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        clients.ForEach(c => c.Dispose());
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("@example.com")]
    public async Task Invalid_email_is_400_validation_error_with_details(string email)
    {
        using var client = platform.CreateGatewayClient();

        var body = await AssertErrorAsync(await RegisterAsync(client, email), HttpStatusCode.BadRequest, "validation_error");

        Assert.True(body.GetProperty("details").TryGetProperty("email", out _));
    }

    [Fact]
    public async Task Plus_addressing_subdomains_and_a_64_character_local_part_are_accepted()
    {
        using var client = platform.CreateGatewayClient();
        var plus = $"john.doe+{Guid.NewGuid():N}@example.co.uk";
        var longLocal = Guid.NewGuid().ToString("N") + new string('x', 32) + "@example.com";

        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(client, plus)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await RegisterAsync(client, longLocal)).StatusCode);
    }

    [Fact]
    public async Task Weak_password_is_400_with_password_in_details()
    {
        using var client = platform.CreateGatewayClient();

        var body = await AssertErrorAsync(await RegisterAsync(client, UniqueEmail(), "weak"), HttpStatusCode.BadRequest, "validation_error");

        var messages = body.GetProperty("details").GetProperty("password").EnumerateArray().Select(m => m.GetString()).ToList();
        Assert.Contains("Password must be at least 8 characters", messages);
        Assert.Contains("Password must contain at least one number", messages);
    }

    [Fact]
    public async Task A_73_byte_password_is_400_and_a_72_byte_one_registers_and_logs_in()
    {
        using var client = platform.CreateGatewayClient();
        var password72 = "Aa1" + new string('x', 69);
        Assert.Equal(72, Encoding.UTF8.GetByteCount(password72));

        var tooLong = await RegisterAsync(client, UniqueEmail(), password72 + "y");
        var email = UniqueEmail();
        var ok = await RegisterAsync(client, email, password72);

        var body = await AssertErrorAsync(tooLong, HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("details").TryGetProperty("password", out _));
        Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await LoginAsync(client, email, password72)).StatusCode);
        // bcrypt would have matched this on its first 72 bytes; it must be refused, not truncated.
        Assert.NotEqual(HttpStatusCode.OK, (await LoginAsync(client, email, password72 + "y")).StatusCode);
    }

    [Fact]
    public async Task Blank_null_and_missing_names_are_refused_field_by_field()
    {
        using var client = platform.CreateGatewayClient();

        var response = await client.PostAsJsonAsync("/api/auth/register",
            new { first_name = "   ", last_name = (string?)null, email = UniqueEmail(), password = Password });

        var details = (await AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error")).GetProperty("details");
        Assert.Contains("First name must be between 1 and 100 characters",
            details.GetProperty("first_name").EnumerateArray().Select(m => m.GetString()));
        Assert.True(details.TryGetProperty("last_name", out _));
    }

    [Fact]
    public async Task Unknown_fields_are_ignored()
    {
        using var client = platform.CreateGatewayClient();

        var response = await client.PostAsJsonAsync("/api/auth/register", new
        {
            first_name = "A", last_name = "B", email = UniqueEmail(), password = Password, role = "admin", is_active = false,
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("user").GetProperty("is_active").GetBoolean());
    }

    [Fact]
    public async Task Malformed_json_is_400_in_the_envelope()
    {
        using var client = platform.CreateGatewayClient();

        var response = await client.PostAsync("/api/auth/register",
            new StringContent("{\"email\": \"a@b.com\", ", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal("bad_request", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Wrong_content_type_is_415_in_the_envelope()
    {
        using var client = platform.CreateGatewayClient();

        var response = await client.PostAsync("/api/auth/login",
            new StringContent("email=a@b.com&password=x", Encoding.UTF8, "application/x-www-form-urlencoded"));

        await AssertErrorAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task A_json_body_that_is_not_an_object_is_400()
    {
        using var client = platform.CreateGatewayClient();

        var response = await client.PostAsync("/api/auth/register", new StringContent("[1,2]", Encoding.UTF8, "application/json"));

        await AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error");
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$")]
    private static partial Regex TimestampFormat();
}
