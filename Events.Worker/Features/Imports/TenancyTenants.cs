using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using SaasPlatform.ServiceDefaults;
using SaasPlatform.ServiceDefaults.Http;

namespace Events.Worker.Features.Imports;

/// <summary>
/// Tenancy.Api's public tenant API, called with the importing user's own access token: the import creates the tenant
/// exactly as <c>POST /api/tenants</c> does for that user (quotas, placement on a server, the caller as admin) and
/// adds members as that admin would, so no internal shortcut bypasses Tenancy's rules.
/// </summary>
public sealed class TenancyTenants(IHttpClientFactory httpClientFactory)
{
    public const string ClientName = nameof(TenancyTenants);

    private static readonly JsonSerializerOptions Json = Microsoft.Extensions.Hosting.Extensions.WireJson;

    /// <summary>The created tenant (Tenancy's <c>data</c>), or Tenancy's own error answer to pass on.</summary>
    public async Task<(JsonElement Tenant, ApiError? Error)> CreateAsync(string accessToken, string name, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/tenants", accessToken, new { name }, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return (default, await ErrorAsync(response, cancellationToken));
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken);
        return (body.GetProperty("data").Clone(), null);
    }

    /// <summary>
    /// Adds a member; false when Tenancy refuses this user (unknown or inactive user: 404, already a member: 400).
    /// Any other answer throws.
    /// </summary>
    public async Task<bool> TryAddMemberAsync(string accessToken, Guid tenantId, Guid userId, string role, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/tenants/{tenantId}/users", accessToken,
            new { user_id = userId, role }, cancellationToken);
        if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest)
        {
            return false;
        }

        response.EnsureSuccessStatusCode();
        return true;
    }

    /// <summary>Deletes (soft, as the API does) a tenant the import created and could not finish.</summary>
    public async Task DeleteAsync(string accessToken, Guid tenantId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Delete, $"/api/tenants/{tenantId}", accessToken, null, cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string accessToken, object? body,
        CancellationToken cancellationToken)
    {
        using var client = httpClientFactory.CreateClient(ClientName);
        using var request = new HttpRequestMessage(method, new Uri(PlatformServices.Address(PlatformServices.TenancyApi), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        return await client.SendAsync(request, cancellationToken);
    }

    private static async Task<ApiError> ErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        try
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken);
            return new ApiError(status,
                body.TryGetProperty("error", out var code) ? code.GetString() ?? "error" : "error",
                body.TryGetProperty("message", out var message) ? message.GetString() ?? "Tenant creation failed" : "Tenant creation failed",
                body.TryGetProperty("details", out var details) && details.ValueKind != JsonValueKind.Null ? details.Clone() : null);
        }
        catch (JsonException)
        {
            return new ApiError(status >= 500 ? StatusCodes.Status503ServiceUnavailable : status, "error", "Tenant creation failed");
        }
    }
}
