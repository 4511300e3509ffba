using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Primitives;

namespace Events.Worker.Features.Notifications;

/// <summary>Registers and maps the live notifications hub (docs/notifications.md, docs/decisions/live-notifications.md).</summary>
public static class NotificationServices
{
    /// <summary>The query-string parameter browsers' WebSocket API leaves as the only place for a token.</summary>
    public const string AccessTokenParameter = "access_token";

    public static IHostApplicationBuilder AddLiveNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<NotificationOptions>(builder.Configuration.GetSection(NotificationOptions.SectionName));
        builder.Services.AddSignalR(hub => hub.AddFilter<HubFailureLogging>())
            .AddJsonProtocol(json => Microsoft.Extensions.Hosting.Extensions.ConfigureJson(json.PayloadSerializerOptions));
        builder.Logging.AddFilter(HubFailureLogging.DispatcherCategory, LogLevel.None);   // refusals are not errors; see HubFailureLogging
        builder.Services.AddSingleton<NotificationConnections>();
        builder.Services.AddSingleton<NotificationMetrics>();
        builder.Services.AddSingleton<NotificationFeed>();
        builder.Services.AddHostedService(services => services.GetRequiredService<NotificationFeed>());
        builder.Services.AddHostedService<NotificationConnectionGuard>();

        // After the platform's own bearer setup (a Configure): the token may also come in the query string, on the hub only.
        builder.Services.PostConfigure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, bearer =>
        {
            var next = bearer.Events.OnMessageReceived;
            bearer.Events.OnMessageReceived = context =>
            {
                if (context.HttpContext.Request.Path.StartsWithSegments(NotificationHub.Path, StringComparison.Ordinal)
                    && context.Request.Query[AccessTokenParameter] is [{ Length: > 0 } token]
                    && StringValues.IsNullOrEmpty(context.Request.Headers.Authorization))
                {
                    context.Token = token;
                }

                return next(context);
            };
        });
        return builder;
    }

    public static IEndpointRouteBuilder MapLiveNotifications(this IEndpointRouteBuilder app)
    {
        app.MapHub<NotificationHub>(NotificationHub.Path, hub =>
        {
            // WebSockets only: one request per connection, so a connection never depends on reaching the instance
            // that answered an earlier request (replicas without sticky sessions; docs/decisions/live-notifications.md).
            hub.Transports = HttpTransportType.WebSockets;
            hub.CloseOnAuthenticationExpiration = true;
        }).ExcludeFromDescription();   // OpenAPI cannot describe a hub: docs/notifications.md does
        return app;
    }
}
