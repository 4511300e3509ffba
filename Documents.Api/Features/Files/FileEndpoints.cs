using SaasPlatform.TenantData.Access;

namespace Documents.Api.Features.Files;

public static class FileEndpoints
{
    /// <summary>The prefix really is <c>/api/files/{tid}/files</c> (contract §2.9).</summary>
    public static IEndpointRouteBuilder MapFileEndpoints(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/api/files/{tenantId}/files").WithTags("Files").RequireTenantMember();
        files.MapGet("", ListFiles.HandleAsync);
        files.MapGet("/{fileId:guid}", GetFile.HandleAsync);
        files.MapDelete("/{fileId:guid}", DeleteFile.HandleAsync)
            .RequireTenantRole(TenantRole.Admin, "Admin access required for this operation");
        return app;
    }
}
