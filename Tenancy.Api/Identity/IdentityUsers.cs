using System.Net;
using System.Net.Http.Json;
using SaasPlatform.ServiceDefaults;
using Wire = Microsoft.Extensions.Hosting.Extensions;

namespace Tenancy.Api.Identity;

/// <summary>Reads users from Identity.Api, which owns them (names, email, is_active).</summary>
public sealed class IdentityUsers(HttpClient http)
{
    public const int MaxLookupIds = 1000;

    public async Task<UserResponse?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri(PlatformServices.Routes.User(id), UriKind.Relative), cancellationToken);
        return await ReadUserOrNullAsync(response, cancellationToken);
    }

    public async Task<UserResponse?> FindByEmailAsync(string email, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(
            new Uri(PlatformServices.Routes.UserByEmail(email), UriKind.Relative), cancellationToken);
        return await ReadUserOrNullAsync(response, cancellationToken);
    }

    /// <summary>The users among <paramref name="ids"/> that exist, keyed by id.</summary>
    public async Task<Dictionary<Guid, UserResponse>> LookupAsync(IReadOnlyCollection<Guid> ids, CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, UserResponse>();
        foreach (var chunk in ids.Distinct().Chunk(MaxLookupIds))
        {
            using var response = await http.PostAsJsonAsync(new Uri(PlatformServices.Routes.UserLookup, UriKind.Relative),
                new { ids = chunk }, Wire.WireJson, cancellationToken);
            response.EnsureSuccessStatusCode();
            var users = await response.Content.ReadFromJsonAsync<List<UserResponse>>(Wire.WireJson, cancellationToken) ?? [];
            foreach (var user in users)
            {
                found[user.Id] = user;
            }
        }

        return found;
    }

    /// <summary>Registers a user through the public registration endpoint; null when the email is taken.</summary>
    public async Task<UserResponse?> RegisterAsync(string email, string password, string firstName, string lastName, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(new Uri("/api/auth/register", UriKind.Relative),
            new { email, password, first_name = firstName, last_name = lastName }, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException(
                $"Registering {email} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        var body = await response.Content.ReadFromJsonAsync<RegisterResponse>(Wire.WireJson, cancellationToken);
        return body?.User ?? throw new InvalidOperationException("Registration answered without a user");
    }

    private static async Task<UserResponse?> ReadUserOrNullAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<UserResponse>(Wire.WireJson, cancellationToken);
    }

    private sealed record RegisterResponse(UserResponse? User);
}
