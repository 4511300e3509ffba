using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SaasPlatform.EndToEndTests.Identity;

/// <summary>Small helpers over the public auth API, used by the Identity end-to-end tests.</summary>
internal static class AuthApi
{
    public const string Password = "Password123";

    public static string UniqueEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    public static Task<HttpResponseMessage> RegisterAsync(HttpClient client, string email, string password = Password, string firstName = "Test", string lastName = "User") =>
        client.PostAsJsonAsync("/api/auth/register", new { first_name = firstName, last_name = lastName, email, password });

    public static Task<HttpResponseMessage> LoginAsync(HttpClient client, string email, string password = Password) =>
        client.PostAsJsonAsync("/api/auth/login", new { email, password });

    /// <summary>Registers a fresh user and logs in; returns the login body.</summary>
    public static async Task<Session> NewSessionAsync(HttpClient client, string? email = null)
    {
        email ??= UniqueEmail();
        var register = await RegisterAsync(client, email);
        Assert.Equal(HttpStatusCode.Created, register.StatusCode);
        return await LoginSessionAsync(client, email);
    }

    public static async Task<Session> LoginSessionAsync(HttpClient client, string email)
    {
        var login = await LoginAsync(client, email);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var body = await login.Content.ReadFromJsonAsync<JsonElement>();
        return new Session(
            email,
            body.GetProperty("user").GetProperty("id").GetGuid(),
            body.GetProperty("access_token").GetString()!,
            body.GetProperty("refresh_token").GetString()!);
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string? token, object? json = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> MeAsync(HttpClient client, string token) => SendAsync(client, HttpMethod.Get, "/api/users/me", token);

    public static Task<HttpResponseMessage> RefreshAsync(HttpClient client, string refreshToken) =>
        SendAsync(client, HttpMethod.Post, "/api/auth/refresh", refreshToken);

    public static Task<HttpResponseMessage> LogoutAsync(HttpClient client, string accessToken, object? body = null) =>
        SendAsync(client, HttpMethod.Post, "/api/auth/logout", accessToken, body);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts an error in the envelope: flat, success false, the code as a string.</summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.False(body.GetProperty("success").GetBoolean());
        Assert.Equal(code, body.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(body.GetProperty("message").GetString()));
        return body;
    }

    /// <summary>Polls until the request answers <paramref name="status"/> or the deadline passes; returns the last status.</summary>
    public static async Task<HttpStatusCode> StatusWithinAsync(TimeSpan deadline, HttpStatusCode status, Func<Task<HttpResponseMessage>> send)
    {
        var stop = DateTime.UtcNow + deadline;
        while (true)
        {
            using var response = await send();
            if (response.StatusCode == status || DateTime.UtcNow >= stop)
            {
                return response.StatusCode;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A token's header (0) or payload (1), decoded without verifying anything.</summary>
    public static JsonElement JwtPart(string token, int index)
    {
        var part = token.Split('.')[index].Replace('-', '+').Replace('_', '/');
        part = part.PadRight(part.Length + ((4 - (part.Length % 4)) % 4), '=');
        return JsonDocument.Parse(Convert.FromBase64String(part)).RootElement.Clone();
    }

    internal sealed record Session(string Email, Guid UserId, string AccessToken, string RefreshToken);
}
