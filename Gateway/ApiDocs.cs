using Scalar.AspNetCore;

namespace Gateway;

/// <summary>
/// One interactive reference at <c>/api/docs</c> for every service. Each service's OpenAPI document is proxied
/// from its <c>/openapi/v1.json</c> as <c>/api/docs/openapi/{service}.json</c> (routes in appsettings.json).
/// </summary>
internal static class ApiDocs
{
    private static readonly (string Name, string Title)[] Documents =
    [
        ("identity", "Identity: accounts and sessions"),
        ("tenancy", "Tenancy: organisations and members"),
        ("documents", "Documents and files"),
        ("events", "Audit log"),
    ];

    public static WebApplication MapApiDocs(this WebApplication app)
    {
        app.MapScalarApiReference("/api/docs", options =>
        {
            options.WithTitle("SaasPlatform API")
                .WithOpenApiRoutePattern("/api/docs/openapi/{documentName}.json")
                .AddPreferredSecuritySchemes(["Bearer"])
                .EnablePersistentAuthentication();
            foreach (var (name, title) in Documents)
            {
                options.AddDocument(name, title, isDefault: name == "identity");
            }
        });
        return app;
    }
}
