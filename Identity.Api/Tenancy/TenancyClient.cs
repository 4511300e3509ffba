using SaasPlatform.ServiceDefaults;
using SaasPlatform.TenancyClient;

namespace Identity.Api.Tenancy;

/// <summary>A tenant as the login response lists it (contract §2.3).</summary>
public sealed record LoginTenant(Guid Id, string Name, string DatabaseName, string Role);

/// <summary>Tenancy.Api's internal membership list; service discovery resolves <c>tenancy-api</c>.</summary>
public sealed class TenancyClient(HttpClient http, ILogger<TenancyClient> logger)
{
    /// <summary>The user's active tenants, newest membership first. Tenancy unreachable or failing is a 503.</summary>
    public async Task<IReadOnlyList<LoginTenant>> GetActiveTenantsAsync(Guid userId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri(PlatformServices.Routes.UserTenants(userId), UriKind.Relative), cancellationToken);
            // 404: the user has no membership record there (or the endpoint is not deployed yet): no tenants.
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return [];
            }

            response.EnsureSuccessStatusCode();
            var memberships = await response.Content.ReadFromJsonAsync<List<UserTenant>>(
                Microsoft.Extensions.Hosting.Extensions.WireJson, cancellationToken) ?? [];
            return [.. memberships.Select(m => new LoginTenant(m.Id, m.Name, m.DatabaseName, m.Role))];
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning(ex, "Could not read the tenants of user {UserId} from Tenancy.Api", userId);
            throw new ApiException(new ApiError(StatusCodes.Status503ServiceUnavailable, ErrorCodes.ServiceUnavailable,
                "The tenant service is unavailable, please retry"));
        }
    }
}
