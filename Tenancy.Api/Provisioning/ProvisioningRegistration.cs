using SaasPlatform.ServiceDefaults;
using SaasPlatform.ServiceDefaults.Auth;
using Tenancy.Api.Identity;
using Tenancy.Api.Quotas;

namespace Tenancy.Api.Provisioning;

public static class ProvisioningRegistration
{
    /// <summary>
    /// What creating a tenant needs (the server, the template, quotas, the provisioner and the Identity lookup), for
    /// the web service and the operator commands alike, so that both build the same provisioner.
    /// </summary>
    public static IHostApplicationBuilder AddTenantProvisioning(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<ProvisioningOptions>(builder.Configuration.GetSection(ProvisioningOptions.SectionName));
        builder.Services.Configure<TenantQuotaOptions>(builder.Configuration.GetSection(TenantQuotaOptions.SectionName));
        builder.Services.AddSingleton<ServerAdmin>();
        builder.Services.AddScoped<TenantPlacement>();
        builder.Services.AddSingleton<TenantTemplate>();
        builder.Services.AddScoped<TenantQuotas>();
        builder.Services.AddScoped<TenantProvisioner>();
        builder.Services.AddHttpClient<IdentityUsers>(http => http.BaseAddress =
                builder.Configuration["Identity:BaseAddress"] is { } identity ? new Uri(identity) : PlatformServices.Address(PlatformServices.IdentityApi))
            .AddInternalApiKey();
        return builder;
    }
}
