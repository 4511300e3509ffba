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
    /// internal key), configured from <c>TenantData:Access</c>.
    /// </summary>
    public static IHostApplicationBuilder AddTenancyClient(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.Configure<TenantAccessOptions>(builder.Configuration.GetSection(TenantAccessOptions.SectionName));
        // One checker per process: its cache must be shared by every request.
        builder.Services.AddHttpClient(nameof(TenantAccessChecker)).AddInternalApiKey();
        builder.Services.TryAddSingleton<TenantAccessChecker>();
        return builder;
    }
}
