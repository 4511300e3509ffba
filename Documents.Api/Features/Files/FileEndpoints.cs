using SaasPlatform.TenancyClient;
using SaasPlatform.TenantSchema;

namespace Documents.Api.Features.Files;

public static class FileEndpoints
{
    /// <summary>The prefix really is <c>/api/files/{tid}/files</c> (as the original's).</summary>
    public static IEndpointRouteBuilder MapFileEndpoints(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/api/files/{tenantId}/files").WithTags("Files").RequireTenantMember();
        files.MapGet("", ListFiles.HandleAsync)
            .WithName("ListFiles").WithSummary("A tenant's stored files, newest first, paged, optionally with storage statistics");
        files.MapGet("/{fileId:guid}", GetFile.HandleAsync)
            .WithName("GetFile").WithSummary("A stored file with the documents that reference it");
        files.MapDelete("/{fileId:guid}", DeleteFile.HandleAsync)
            .RequireTenantRole(TenantRole.Admin, "Admin access required for this operation")
            .WithName("DeleteFile").WithSummary("Delete an orphaned file and its object (admin)");
        return app;
    }
}
