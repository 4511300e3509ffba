namespace SaasPlatform.ServiceDefaults;

/// <summary>Keeps a long-lived session open: a LISTEN connection, a streamed response.</summary>
public static class Reconnecting
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="session"/> until <paramref name="stoppingToken"/> is cancelled, again whenever it ends or
    /// fails with an exception <paramref name="isTransient"/> accepts (handed to <paramref name="onFailure"/>);
    /// <paramref name="onClosed"/> runs after every session. Between sessions it waits 200 ms, doubling up to 5 s while
    /// they keep failing; a session that ended cleanly (the other side stopping) is reopened after 200 ms again.
    /// </summary>
    public static async Task KeepOpenAsync(Func<CancellationToken, Task> session, Func<Exception, bool> isTransient,
        Action<Exception> onFailure, Action onClosed, TimeProvider time, CancellationToken stoppingToken)
    {
        var delay = FirstDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await session(stoppingToken);
                delay = FirstDelay;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (isTransient(e))
            {
                onFailure(e);
            }
            finally
            {
                onClosed();
            }

            try
            {
                await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, MaxDelay.TotalMilliseconds));
        }
    }
}
