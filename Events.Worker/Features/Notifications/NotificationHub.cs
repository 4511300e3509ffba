using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.IdentityModel.JsonWebTokens;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.TenancyClient;

namespace Events.Worker.Features.Notifications;

/// <summary>
/// The live notifications hub, <c>/hubs/notifications</c> through the gateway (WebSockets only; the access token in
/// the <c>access_token</c> query string, validated like every other request, revocations included). A client joins
/// the group of each tenant it wants to hear about with <see cref="JoinTenant"/>; members of any role may join,
/// anyone else is refused. The protocol is in docs/notifications.md.
/// </summary>
[Authorize]
public sealed partial class NotificationHub(
    TenantAccessChecker access,
    NotificationConnections connections,
    NotificationFeed feed,
    NotificationMetrics metrics,
    IOptions<NotificationOptions> options,
    ILogger<NotificationHub> logger) : Hub
{
    public const string Path = "/hubs/notifications";

    /// <summary>The client method every <see cref="TenantNotification"/> is sent to.</summary>
    public const string NotificationMethod = "notification";

    public const string NotAMember = "Tenant not found or access denied";

    public override Task OnConnectedAsync()
    {
        var user = Context.User!;
        connections.Add(new NotificationConnection(Context, user.UserId(),
            user.FindFirstValue(JwtRegisteredClaimNames.Jti), user.FindFirstValue(TokenClaims.Session)));
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        // SignalR takes the connection out of its groups itself.
        connections.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// Joins <paramref name="tenantId"/>'s notifications if the caller is a member (any role). Once it returns,
    /// every allow-listed event committed afterwards reaches this connection until it leaves, is removed from the
    /// tenant or disconnects. A non-member gets a hub error (<see cref="NotAMember"/>, as the REST API's 404).
    /// </summary>
    public async Task<JoinedTenant> JoinTenant(string tenantId)
    {
        if (!Guid.TryParse(tenantId, out var id))
        {
            throw Refused("tenant_id must be a UUID");
        }

        try
        {
            await feed.Reading.WaitAsync(options.Value.ConsumerReadyTimeout, Context.ConnectionAborted);
        }
        catch (TimeoutException)
        {
            throw Refused("Live notifications are starting, retry shortly");
        }

        var userId = Context.User!.UserId();
        TenantMembership? membership;
        try
        {
            membership = await access.FindAsync(id, userId, Context.ConnectionAborted);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException)
        {
            throw Refused("Membership could not be checked, retry shortly");
        }

        if (membership is null)
        {
            LogRefused(logger, userId, id);
            throw Refused(NotAMember);
        }

        // Recorded before the group is joined, so a removal handled meanwhile finds it (or the recheck does).
        connections.Find(Context.ConnectionId)?.Tenants.TryAdd(id, 0);
        await Groups.AddToGroupAsync(Context.ConnectionId, NotificationGroups.ForTenant(id), Context.ConnectionAborted);
        return new JoinedTenant(id, feed.InstanceId);
    }

    /// <summary>Stops this connection's notifications of <paramref name="tenantId"/> (nothing happens if it had not joined).</summary>
    public async Task LeaveTenant(string tenantId)
    {
        if (!Guid.TryParse(tenantId, out var id))
        {
            throw new HubException("tenant_id must be a UUID");
        }

        connections.Find(Context.ConnectionId)?.Tenants.TryRemove(id, out _);
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, NotificationGroups.ForTenant(id), Context.ConnectionAborted);
    }

    private HubException Refused(string message)
    {
        metrics.JoinRefused();
        return new HubException(message);
    }

    [LoggerMessage(LogLevel.Information, "User {UserId} may not join the notifications of tenant {TenantId}")]
    private static partial void LogRefused(ILogger logger, Guid userId, Guid tenantId);
}
