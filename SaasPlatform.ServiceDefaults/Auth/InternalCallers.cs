using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Routing;
using SaasPlatform.ServiceDefaults.Http;

namespace SaasPlatform.ServiceDefaults.Auth;

/// <summary>
/// The key that service-to-service calls carry (<c>InternalApi:Key</c>: an AppHost parameter, Vault or environment).
/// The services hold it, the gateway does not.
/// </summary>
public sealed class InternalApiOptions
{
    public const string SectionName = "InternalApi";

    public const string HeaderName = "X-Internal-Key";

    public string? Key { get; set; }
}

/// <summary>
/// <c>/internal</c> endpoints trust only other services. The gateway never routes them (its routes list public paths
/// only), and a request that reaches a service some other way must still present the services' key: without it
/// the answer is 401, whatever the network path.
/// </summary>
public static class InternalCallers
{
    /// <summary>Refuses every request of the group that does not carry the internal key (fails closed without one).</summary>
    public static RouteGroupBuilder RequireInternalCaller(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var options = context.HttpContext.RequestServices.GetRequiredService<IOptionsMonitor<InternalApiOptions>>();
            return IsInternalCaller(context.HttpContext.Request, options.CurrentValue.Key)
                ? await next(context)
                : ApiError.Unauthorized("Internal endpoint: service credentials required");
        });
        return group;
    }

    /// <summary>Adds the internal key to every request of a client that calls other services' <c>/internal</c> endpoints.</summary>
    public static IHttpClientBuilder AddInternalApiKey(this IHttpClientBuilder builder) =>
        builder.AddHttpMessageHandler(services => new InternalApiKeyHandler(services.GetRequiredService<IOptionsMonitor<InternalApiOptions>>()));

    private static bool IsInternalCaller(HttpRequest request, string? key)
    {
        if (string.IsNullOrEmpty(key) || request.Headers[InternalApiOptions.HeaderName] is not [{ } presented])
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(key));
    }

    private sealed class InternalApiKeyHandler(IOptionsMonitor<InternalApiOptions> options) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (options.CurrentValue.Key is { Length: > 0 } key)
            {
                request.Headers.Remove(InternalApiOptions.HeaderName);
                request.Headers.Add(InternalApiOptions.HeaderName, key);
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
