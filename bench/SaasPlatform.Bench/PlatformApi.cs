using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace SaasPlatform.Bench;

/// <summary>The few public API calls the benchmark needs, through the gateway like any client.</summary>
public sealed class PlatformApi(HttpClient http) : IDisposable
{
    public const string Password = "Bench-password-1";

    public HttpClient Http { get; } = http;

    public static PlatformApi Create(Uri baseAddress, TimeSpan? timeout = null) => new(new HttpClient(new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        // A large upload must not be cut by the default 100 s; every call is still bounded.
    })
    {
        BaseAddress = baseAddress,
        Timeout = timeout ?? TimeSpan.FromMinutes(10),
    });

    /// <summary>Registers a fresh user and logs in; returns the access token.</summary>
    public async Task<(string Email, string Token)> NewUserAsync(CancellationToken cancellationToken)
    {
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        using var register = await Http.PostAsJsonAsync("/api/auth/register",
            new { first_name = "Bench", last_name = "Mark", email, password = Password }, cancellationToken);
        await EnsureAsync(register, "register", cancellationToken);
        return (email, await LoginAsync(email, cancellationToken));
    }

    public async Task<string> LoginAsync(string email, CancellationToken cancellationToken)
    {
        using var login = await Http.PostAsJsonAsync("/api/auth/login", new { email, password = Password }, cancellationToken);
        var body = await EnsureAsync(login, "login", cancellationToken);
        return body.GetProperty("access_token").GetString() ?? throw new InvalidOperationException("login: no access_token");
    }

    /// <summary>Creates a tenant; returns its id and database name.</summary>
    public async Task<(Guid Id, string DatabaseName)> CreateTenantAsync(string token, string name, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tenants") { Content = JsonContent.Create(new { name }) };
        using var response = await SendAsync(request, token, cancellationToken);
        var data = (await EnsureAsync(response, "create tenant", cancellationToken)).GetProperty("data");
        return (data.GetProperty("id").GetGuid(), data.GetProperty("database_name").GetString()!);
    }

    public async Task DeleteTenantAsync(string token, Guid tenantId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/api/tenants/{tenantId}");
        using var response = await SendAsync(request, token, cancellationToken);
        await EnsureAsync(response, "delete tenant", cancellationToken);
    }

    /// <summary>Uploads <paramref name="content"/> as a document (multipart, streamed); returns the document id.</summary>
    public async Task<Guid> UploadAsync(string token, Guid tenantId, HttpContent content, string filename, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(content, "file", filename);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenantId}/documents") { Content = form };
        using var response = await SendAsync(request, token, cancellationToken);
        var data = (await EnsureAsync(response, "upload", cancellationToken)).GetProperty("data");
        return data.GetProperty("id").GetGuid();
    }

    public async Task<HttpStatusCode> RenameDocumentAsync(string token, Guid tenantId, Guid documentId, string filename, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/tenants/{tenantId}/documents/{documentId}")
        {
            Content = JsonContent.Create(new { filename }),
        };
        using var response = await SendAsync(request, token, cancellationToken);
        return response.StatusCode;
    }

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, string? token, CancellationToken cancellationToken)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return Http.SendAsync(request, cancellationToken);
    }

    public static async Task<JsonElement> EnsureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchSkipException($"{what}: {(int)response.StatusCode} {Trim(text)}");
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public void Dispose() => Http.Dispose();

    private static string Trim(string text) => text.Length > 160 ? text[..160] + "…" : text;
}

/// <summary>A measurement could not be made (a part of the platform is missing or failing): reported, not fatal.</summary>
public sealed class BenchSkipException(string message) : Exception(message);
