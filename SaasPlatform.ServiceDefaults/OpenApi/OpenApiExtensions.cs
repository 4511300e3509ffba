using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.OpenApi;

namespace SaasPlatform.ServiceDefaults.OpenApi;

/// <summary>
/// Every service publishes its OpenAPI document at <c>/openapi/v1.json</c>; the gateway serves them together at
/// <c>/api/docs</c>. Documents name the gateway as their server, so "try it" goes through the public entry point.
/// </summary>
public static class OpenApiExtensions
{
    public const string DocumentPath = "/openapi/{documentName}.json";
    public const string BearerScheme = "Bearer";

    public static IHostApplicationBuilder AddPlatformOpenApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = $"SaasPlatform {builder.Environment.ApplicationName}";
                document.Servers = [new OpenApiServer { Url = "/", Description = "Through the gateway" }];
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description = "Access token from POST /api/auth/login",
                };
                // Internal endpoints are not reachable through the gateway, so they are not documented there.
                foreach (var path in document.Paths.Keys.Where(p => p.StartsWith("/internal", StringComparison.Ordinal)).ToList())
                {
                    document.Paths.Remove(path);
                }

                return Task.CompletedTask;
            });
            // A polymorphic type whose derived types carry no discriminator is plain anyOf on the wire: the generator
            // still announces a "$type" discriminator property that no payload has.
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (schema is OpenApiSchema { Discriminator: not null } polymorphic
                    && context.JsonTypeInfo.PolymorphismOptions is { } polymorphism
                    && polymorphism.DerivedTypes.All(derived => derived.TypeDiscriminator is null))
                {
                    polymorphic.Discriminator = null;
                }

                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var requiresAuth = context.Description.ActionDescriptor.EndpointMetadata
                    .OfType<Microsoft.AspNetCore.Authorization.IAuthorizeData>().Any();
                if (requiresAuth)
                {
                    operation.Security ??= [];
                    operation.Security.Add(new OpenApiSecurityRequirement
                    {
                        [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [],
                    });
                }

                return Task.CompletedTask;
            });
        });
        return builder;
    }

    public static WebApplication MapPlatformOpenApi(this WebApplication app)
    {
        app.MapOpenApi(DocumentPath);
        return app;
    }
}
