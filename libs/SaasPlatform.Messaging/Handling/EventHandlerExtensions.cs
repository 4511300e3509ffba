using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SaasPlatform.Messaging.Handling;

public static class EventHandlerExtensions
{
    /// <summary>Registers <typeparamref name="THandler"/> (scoped) with the worker's dispatcher.</summary>
    public static IServiceCollection AddEventHandler<THandler>(this IServiceCollection services)
        where THandler : class, IEventHandler
    {
        services.TryAddEnumerable(ServiceDescriptor.Scoped<IEventHandler, THandler>());
        return services;
    }
}
