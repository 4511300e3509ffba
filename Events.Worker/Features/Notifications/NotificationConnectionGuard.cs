using Microsoft.AspNetCore.SignalR;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.TenancyClient;

namespace Events.Worker.Features.Notifications;

/// <summary>
/// Keeps open connections as entitled as new ones. A token is checked once, when the WebSocket opens; afterwards a
/// logout, a revoked session or a deactivated user closes the connection within
/// <see cref="NotificationOptions.RevocationCheckInterval"/> (the same in-memory revocation list every request is
/// checked against), and its expiry closes it too (<c>CloseOnAuthenticationExpiration</c>). Every
/// <see cref="NotificationOptions.MembershipRecheckInterval"/> each joined tenant is checked again through the cached
/// access check (dropped by Tenancy.Api's change stream at once), which catches a removal whose <c>member.removed</c>
/// event was missed or raced a join; <see cref="NotificationFeed"/> handles the event itself immediately.
/// </summary>
public sealed partial class NotificationConnectionGuard(
    NotificationConnections connections,
    RevocationList revocations,
    TenantAccessChecker access,
    IHubContext<NotificationHub> hub,
    IOptions<NotificationOptions> options,
    TimeProvider time,
    ILogger<NotificationConnectionGuard> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevocationCheckInterval, time);
        var lastRecheck = time.GetTimestamp();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                CloseRevoked();
                if (time.GetElapsedTime(lastRecheck) >= options.Value.MembershipRecheckInterval)
                {
                    lastRecheck = time.GetTimestamp();
                    await RecheckMembershipsAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void CloseRevoked()
    {
        foreach (var connection in connections.All)
        {
            if (revocations.IsRevoked(connection.TokenId, connection.SessionId, connection.UserId.ToString()))
            {
                LogClosedRevoked(logger, connection.UserId);
                connections.Remove(connection.ConnectionId);
                connection.Abort();
            }
        }
    }

    private async Task RecheckMembershipsAsync(CancellationToken stoppingToken)
    {
        foreach (var connection in connections.All.ToList())
        {
            foreach (var tenantId in connection.Tenants.Keys)
            {
                try
                {
                    if (await access.FindAsync(tenantId, connection.UserId, stoppingToken) is null)
                    {
                        connection.Tenants.TryRemove(tenantId, out _);
                        await hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, NotificationGroups.ForTenant(tenantId), stoppingToken);
                        LogLeftGroup(logger, connection.UserId, tenantId);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    // Tenancy.Api unreachable or answering oddly: keep what was checked last; the next round asks again.
                    LogRecheckFailed(logger, ex.Message);
                    return;
                }
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Closed a notifications connection of user {UserId}: its token was revoked")]
    private static partial void LogClosedRevoked(ILogger logger, Guid userId);

    [LoggerMessage(LogLevel.Information, "User {UserId} is no longer a member of tenant {TenantId}: left its notifications")]
    private static partial void LogLeftGroup(ILogger logger, Guid userId, Guid tenantId);

    [LoggerMessage(LogLevel.Warning, "Notifications membership recheck failed ({Reason}); retrying next round")]
    private static partial void LogRecheckFailed(ILogger logger, string reason);
}
