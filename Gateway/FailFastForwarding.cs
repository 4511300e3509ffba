using Yarp.ReverseProxy.Forwarder;

namespace Gateway;

/// <summary>
/// How the gateway avoids waiting on a service that is down (docs/decisions/gateway-fail-fast.md): a short connect
/// timeout for the forwarding client, request timeouts per route group (<c>Timeout</c> in appsettings.json; uploads
/// and downloads have none), and active plus passive health checks per cluster, so a destination known to be down
/// answers 503 at once instead of being tried.
/// </summary>
public static class FailFastForwarding
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    public static IServiceCollection AddFailFastForwarding(this IServiceCollection services)
    {
        services.AddRequestTimeouts();
        services.AddSingleton<IForwarderHttpClientFactory, FailFastHttpClientFactory>();
        return services;
    }

    private sealed class FailFastHttpClientFactory(ILogger<ForwarderHttpClientFactory> logger) : ForwarderHttpClientFactory(logger)
    {
        protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
        {
            base.ConfigureHandler(context, handler);
            handler.ConnectTimeout = ConnectTimeout;
        }
    }
}
