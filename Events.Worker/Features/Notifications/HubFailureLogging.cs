using Microsoft.AspNetCore.SignalR;

namespace Events.Worker.Features.Notifications;

/// <summary>
/// SignalR's dispatcher logs every exception a hub method throws at Error, refusals (<see cref="HubException"/>: not a
/// member, a malformed id) included, and those are answers, not failures. So its category is silenced
/// (<see cref="NotificationServices"/>) and this filter logs the unexpected exceptions itself, still at Error.
/// </summary>
public sealed partial class HubFailureLogging(ILogger<HubFailureLogging> logger) : IHubFilter
{
    public const string DispatcherCategory = "Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(invocationContext);
        }
        catch (Exception ex) when (ex is not HubException and not OperationCanceledException)
        {
            LogFailed(logger, ex, invocationContext.HubMethodName);
            throw;
        }
    }

    [LoggerMessage(LogLevel.Error, "Hub method {Method} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string method);
}
