using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SaasPlatform.ServiceDefaults.Auth;
using SaasPlatform.TenancyClient;

namespace Microsoft.Extensions.Hosting;

public static class TenancyClientExtensions
{
    /// <summary>
    /// Registers the cached tenant access check (<see cref="TenantAccessChecker"/>, asking Tenancy.Api with the
    /// internal key), configured from <c>TenantData:Access</c>, and follows Tenancy.Api's change stream so answers are
    /// kept until they change (<see cref="TenancyChangeFollower"/>). The stream's client has no resilience pipeline
    /// (its timeouts would cut it) and no timeout; the follower reconnects by itself.
    /// </summary>
    public static IHostApplicationBuilder AddTenancyClient(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<TenantAccessOptions>(builder.Configuration.GetSection(TenantAccessOptions.SectionName));
        // One checker per process: its cache must be shared by every request.
        builder.Services.AddHttpClient(nameof(TenantAccessChecker)).AddInternalApiKey();
        builder.Services.TryAddSingleton<TenantAccessChecker>();

        // RemoveAllResilienceHandlers is marked experimental; it is the documented way to opt one client out of
        // the defaults every client gets in ServiceDefaults.
#pragma warning disable EXTEXP0001
        builder.Services.AddHttpClient(nameof(TenancyChangeFollower), http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddInternalApiKey()
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddHostedService<TenancyChangeFollower>();
        builder.Services.AddHealthChecks().AddCheck<TenancyChangesHealthCheck>("tenancy-changes");
        return builder;
    }
}
