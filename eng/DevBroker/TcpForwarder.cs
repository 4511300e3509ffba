using System.Net;
using System.Net.Sockets;

namespace DevBroker;

/// <summary>
/// Forwards a fixed local port to the mock broker's ephemeral port, byte for byte.
/// Stop() refuses new connections and closes the forwarded ones, so clients see a broker outage;
/// Start() listens again on the same port.
/// </summary>
public sealed class TcpForwarder(IPEndPoint listenOn, IPEndPoint upstream, ILogger logger) : IDisposable
{
    private readonly Lock _gate = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _cts; // cancels the accept loop and every connection of one up period

    public bool IsRunning
    {
        get { lock (_gate) { return _listener is not null; } }
    }

    public void Start()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return;
            }

            var listener = new TcpListener(listenOn);
            // Re-binding right after Stop() must not fail because of closed connections in TIME_WAIT.
            listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            listener.Start();
            _listener = listener;
            _cts = new CancellationTokenSource();
            _ = AcceptLoopAsync(listener, _cts.Token);
        }
    }

    public void Stop()
    {
        lock (_gate)
        {
            if (_listener is null)
            {
                return;
            }

            _cts!.Cancel();
            _cts.Dispose();
            _cts = null;
            _listener.Stop();
            _listener = null;
        }
    }

    public void Dispose() => Stop();

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return; // Stop() was called
            }

            _ = ForwardAsync(client, ct);
        }
    }

    private async Task ForwardAsync(Socket client, CancellationToken ct)
    {
        using var upstreamSocket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        using var clientSocket = client;
        try
        {
            clientSocket.NoDelay = true;
            upstreamSocket.NoDelay = true;
            await upstreamSocket.ConnectAsync(upstream, ct);

            await using var a = new NetworkStream(clientSocket, ownsSocket: false);
            await using var b = new NetworkStream(upstreamSocket, ownsSocket: false);
            // Kafka never half-closes: when either side ends, end both.
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var up = PumpAsync(a, b, linked.Token);
            var down = PumpAsync(b, a, linked.Token);
            await Task.WhenAny(up, down);
            await linked.CancelAsync();
            await Task.WhenAll(up, down);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            logger.LogDebug("Forwarded connection ended: {Reason}", e.Message);
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken ct)
    {
        try
        {
            await from.CopyToAsync(to, 16 * 1024, ct);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Peer closed or Stop(): the caller closes both sockets.
        }
    }
}
