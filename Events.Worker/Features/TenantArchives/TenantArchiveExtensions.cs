using Events.Worker.Features.Exports;
using Events.Worker.Features.Imports;
using SaasPlatform.ServiceDefaults.Auth;

namespace Events.Worker.Features.TenantArchives;

public static class TenantArchiveExtensions
{
    /// <summary>Tenant export (the <c>tenant.export_requested</c> handler) and import (docs/decisions/tenant-export-import.md).</summary>
    public static IHostApplicationBuilder AddTenantArchives(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<TenantArchiveOptions>(builder.Configuration.GetSection(TenantArchiveOptions.SectionName));
        builder.Services.AddHttpClient(PlatformDirectory.ClientName).AddInternalApiKey();
        builder.Services.AddHttpClient(TenancyTenants.ClientName);
        builder.Services.AddSingleton<PlatformDirectory>();
        builder.Services.AddSingleton<TenancyTenants>();
        builder.Services.AddScoped<TenantImporter>();
        builder.Services.AddEventHandler<ExportTenant>();
        return builder;
    }

    public static IEndpointRouteBuilder MapTenantArchiveEndpoints(this IEndpointRouteBuilder app) =>
        app.MapExportEndpoints().MapImportEndpoints();
}
