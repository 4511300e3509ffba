using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace SaasPlatform.EndToEndTests.Notifications;

/// <summary>One notification as a client received it, with the moment it arrived.</summary>
internal sealed record ReceivedNotification(JsonElement Notification, DateTimeOffset At)
{
    public string Type => Notification.GetProperty("type").GetString()!;

    public Guid TenantId => Notification.GetProperty("tenant_id").GetGuid();

    public string? ResourceId => Notification.GetProperty("resource_id").GetString();

    /// <summary>The event's own time, taken before the change committed: arrival minus it bounds commit-to-client.</summary>
    public DateTimeOffset EventTime => Notification.GetProperty("timestamp").GetDateTimeOffset();

    public TimeSpan Latency => At - EventTime;
}

/// <summary>
/// A SignalR client of the live notifications hub, connected through the gateway the way a browser connects: WebSockets
/// only, no negotiate request (<c>SkipNegotiation</c>), the access token in the <c>access_token</c> query string.
/// Everything it receives is kept, in order.
/// </summary>
internal sealed class NotificationClient : IAsyncDisposable
{
    public const string HubPath = "/hubs/notifications";

    private readonly ConcurrentQueue<ReceivedNotification> _received = new();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private NotificationClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<JsonElement>("notification", notification => _received.Enqueue(new ReceivedNotification(notification, DateTimeOffset.UtcNow)));
        connection.Closed += error =>
        {
            _closed.TrySetResult(error);
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    public IReadOnlyList<ReceivedNotification> Received => [.. _received];

    /// <summary>Completes when the server closes the connection.</summary>
    public Task<Exception?> Closed => _closed.Task;

    /// <summary>Connects to the hub through <paramref name="gateway"/> (throws if the handshake is refused).</summary>
    public static async Task<NotificationClient> ConnectAsync(HttpClient gateway, string accessToken)
    {
        var url = new Uri(gateway.BaseAddress!, $"{HubPath}?access_token={Uri.EscapeDataString(accessToken)}");
        var forwardedFor = gateway.DefaultRequestHeaders.TryGetValues("X-Forwarded-For", out var values) ? values.First() : null;
        var connection = new HubConnectionBuilder()
            .WithUrl(url, options =>
            {
                options.Transports = HttpTransportType.WebSockets;
                options.SkipNegotiation = true;
                if (forwardedFor is not null)
                {
                    options.Headers["X-Forwarded-For"] = forwardedFor;   // its own rate-limit bucket, as the suite's HTTP clients
                }
            })
            .Build();
        var client = new NotificationClient(connection);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await connection.StartAsync(timeout.Token);
        return client;
    }

    /// <summary>Joins a tenant's notifications; returns the hub instance that holds this connection.</summary>
    public async Task<string> JoinAsync(Guid tenantId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var joined = await Connection.InvokeAsync<JsonElement>("JoinTenant", tenantId.ToString(), timeout.Token);
        Assert.Equal(tenantId, joined.GetProperty("tenant_id").GetGuid());
        return joined.GetProperty("instance").GetString()!;
    }

    /// <summary>
    /// Waits for the first notification of <paramref name="type"/> about <paramref name="resourceId"/> among those
    /// received after the first <paramref name="since"/> (so a repeated change of one resource is told apart).
    /// </summary>
    public async Task<ReceivedNotification> WaitForAsync(string type, string resourceId, int since = 0, TimeSpan? patience = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var match = _received.Skip(since).FirstOrDefault(r => r.Type == type && r.ResourceId == resourceId);
            if (match is not null)
            {
                return match;
            }

            Assert.True(deadline.Elapsed < (patience ?? TimeSpan.FromSeconds(15)),
                $"no {type} notification for {resourceId}; received: {string.Join(", ", _received.Select(r => $"{r.Type}/{r.ResourceId}"))}");
            await Task.Delay(5);
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    /// <summary>Median and maximum of <paramref name="latencies"/>, in milliseconds, for the test output.</summary>
    public static string Summary(IReadOnlyCollection<TimeSpan> latencies)
    {
        var sorted = latencies.Select(l => l.TotalMilliseconds).Order().ToList();
        return $"n={sorted.Count} p50={sorted[sorted.Count / 2]:0} ms max={sorted[^1]:0} ms";
    }
}
