namespace Events.Worker.Features.Imports;

public static class ImportEndpoints
{
    public static IEndpointRouteBuilder MapImportEndpoints(this IEndpointRouteBuilder app)
    {
        // Any user may import, as any user may create a tenant (Tenancy's quotas apply to the creation).
        app.MapPost("/api/tenants/import", ImportTenant.HandleAsync).WithTags("Exports").RequireAuthorization()
            .WithName("ImportTenant").WithSummary("Create a new tenant from a tenant archive; the caller becomes its admin");
        return app;
    }
}
