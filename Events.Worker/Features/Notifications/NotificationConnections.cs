using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Events.Worker.Features.Notifications;

/// <summary>
/// This instance's hub connections: who each one is (user, token id, session) and which tenants it joined. SignalR
/// keeps group membership but cannot list it, and a membership change or a logout has to find the connections of a
/// user or a tenant; this is that index. Entries live from connect to disconnect.
/// </summary>
public sealed class NotificationConnections
{
    private readonly ConcurrentDictionary<string, NotificationConnection> _connections = new(StringComparer.Ordinal);

    public int Count => _connections.Count;

    public IEnumerable<NotificationConnection> All => _connections.Values;

    public void Add(NotificationConnection connection) => _connections[connection.ConnectionId] = connection;

    public void Remove(string connectionId) => _connections.TryRemove(connectionId, out _);

    public NotificationConnection? Find(string connectionId) => _connections.GetValueOrDefault(connectionId);

    /// <summary>The connections in <paramref name="tenantId"/>'s group, optionally only <paramref name="userId"/>'s.</summary>
    public IEnumerable<NotificationConnection> InTenant(Guid tenantId, Guid? userId = null) =>
        _connections.Values.Where(c => c.Tenants.ContainsKey(tenantId) && (userId is null || c.UserId == userId));
}

/// <summary>One hub connection: its caller (to abort it) and the identity its token carried.</summary>
public sealed class NotificationConnection(HubCallerContext context, Guid userId, string? tokenId, string? sessionId)
{
    public string ConnectionId => context.ConnectionId;

    public Guid UserId { get; } = userId;

    public string? TokenId { get; } = tokenId;

    public string? SessionId { get; } = sessionId;

    /// <summary>The tenants whose group this connection is in (a set: the value is unused).</summary>
    public ConcurrentDictionary<Guid, byte> Tenants { get; } = new();

    /// <summary>Closes the connection (the client sees it end, and may reconnect with a new token).</summary>
    public void Abort() => context.Abort();
}
