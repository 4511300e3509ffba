using System.Net;
using System.Net.Http.Json;
using SaasPlatform.ServiceDefaults;
using SaasPlatform.ServiceDefaults.Contracts;

namespace Events.Worker.Features.TenantArchives;

/// <summary>
/// What exports need from the other services' internal APIs (with the internal key): a tenant's members from
/// Tenancy.Api, a user's address from Identity.Api.
/// </summary>
public sealed class PlatformDirectory(IHttpClientFactory httpClientFactory)
{
    public const string ClientName = nameof(PlatformDirectory);

    private static readonly System.Text.Json.JsonSerializerOptions Json = Microsoft.Extensions.Hosting.Extensions.WireJson;

    /// <summary>Every member of the tenant (empty when Tenancy.Api no longer knows it).</summary>
    public async Task<List<ArchiveMember>> ListMembersAsync(Guid tenantId, CancellationToken cancellationToken)
    {
        using var client = httpClientFactory.CreateClient(ClientName);
        using var response = await client.GetAsync(
            new Uri(PlatformServices.Address(PlatformServices.TenancyApi), PlatformServices.Routes.TenantMembers(tenantId)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<List<ArchiveMember>>(Json, cancellationToken) ?? [];
    }

    /// <summary>The user's e-mail address, or null when the user is gone or inactive.</summary>
    public async Task<string?> FindEmailAsync(Guid userId, CancellationToken cancellationToken)
    {
        using var client = httpClientFactory.CreateClient(ClientName);
        using var response = await client.GetAsync(
            new Uri(PlatformServices.Address(PlatformServices.IdentityApi), PlatformServices.Routes.User(userId)), cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        var user = await response.Content.ReadFromJsonAsync<UserResponse>(Json, cancellationToken);
        return user is { IsActive: true } ? user.Email : null;
    }
}
