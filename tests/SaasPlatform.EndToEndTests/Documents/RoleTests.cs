using System.Net;
using SaasPlatform.EndToEndTests.Identity;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>
/// D4: viewer reads; user reads, uploads, renames, deletes own documents; admin does everything, including deleting
/// any document and orphaned files. Non-members get 404, members without the role 403.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class RoleTests(PlatformFixture platform)
{
    [Fact]
    public async Task Viewer_reads_but_cannot_write()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var document = await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueText());
        var id = document.GetProperty("id").GetGuid();
        var token = world.Viewer.AccessToken;

        foreach (var path in new[] { world.Documents, $"{world.Documents}/{id}", $"{world.Documents}/{id}/download",
                     $"{world.Documents}/{id}/download-url", world.Files, $"{world.Files}/{document.GetProperty("file_id").GetGuid()}" })
        {
            using var read = await SendAsync(gateway, HttpMethod.Get, path, token);
            Assert.True(read.StatusCode == HttpStatusCode.OK, $"viewer GET {path}: {(int)read.StatusCode}");
        }

        using (var upload = await UploadBytesAsync(gateway, token, world.TenantId, UniqueText()))
        {
            await AuthApi.AssertErrorAsync(upload, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var rename = await SendAsync(gateway, HttpMethod.Put, $"{world.Documents}/{id}", token, new { filename = "x.txt" }))
        {
            await AuthApi.AssertErrorAsync(rename, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var delete = await SendAsync(gateway, HttpMethod.Delete, $"{world.Documents}/{id}", token))
        {
            await AuthApi.AssertErrorAsync(delete, HttpStatusCode.Forbidden, "forbidden");
        }

        Assert.Equal(1L, await TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM documents"));
    }

    [Fact]
    public async Task User_uploads_renames_any_document_but_deletes_only_their_own()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var admins = await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueText());
        var own = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, UniqueText());
        var token = world.User.AccessToken;

        using (var rename = await SendAsync(gateway, HttpMethod.Put, $"{world.Documents}/{admins.GetProperty("id").GetGuid()}", token, new { filename = "renamed.pdf" }))
        {
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
        }

        using (var deleteOthers = await SendAsync(gateway, HttpMethod.Delete, $"{world.Documents}/{admins.GetProperty("id").GetGuid()}", token))
        {
            await AuthApi.AssertErrorAsync(deleteOthers, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var deleteOwn = await SendAsync(gateway, HttpMethod.Delete, $"{world.Documents}/{own.GetProperty("id").GetGuid()}", token))
        {
            Assert.Equal(HttpStatusCode.OK, deleteOwn.StatusCode);
        }

        // Files are the admin's: a user cannot delete even an orphan.
        using (var deleteFile = await SendAsync(gateway, HttpMethod.Delete, $"{world.Files}/{own.GetProperty("file_id").GetGuid()}", token))
        {
            var body = await AuthApi.AssertErrorAsync(deleteFile, HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal("Admin access required for this operation", body.GetProperty("message").GetString());
        }
    }

    [Fact]
    public async Task Admin_deletes_any_document()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var users = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, UniqueText());

        using var delete = await SendAsync(gateway, HttpMethod.Delete, $"{world.Documents}/{users.GetProperty("id").GetGuid()}", world.Admin.AccessToken);

        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
        Assert.Equal(0L, await TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM documents"));
    }

    [Fact]
    public async Task Without_a_token_every_endpoint_is_401()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var id = Guid.NewGuid();

        foreach (var (method, path) in Endpoints(world, id, id))
        {
            using var response = await SendAsync(gateway, method, path, token: null);
            await AuthApi.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
        }

        using var invalid = await SendAsync(gateway, HttpMethod.Get, world.Documents, "not.a.token");
        Assert.Equal(HttpStatusCode.Unauthorized, invalid.StatusCode);
    }

    internal static IEnumerable<(HttpMethod Method, string Path)> Endpoints(DocumentWorld world, Guid documentId, Guid fileId) =>
    [
        (HttpMethod.Get, world.Documents),
        (HttpMethod.Post, world.Documents),
        (HttpMethod.Get, $"{world.Documents}/{documentId}"),
        (HttpMethod.Put, $"{world.Documents}/{documentId}"),
        (HttpMethod.Delete, $"{world.Documents}/{documentId}"),
        (HttpMethod.Get, $"{world.Documents}/{documentId}/download"),
        (HttpMethod.Get, $"{world.Documents}/{documentId}/download-url"),
        (HttpMethod.Get, world.Files),
        (HttpMethod.Get, $"{world.Files}?include_stats=true"),
        (HttpMethod.Get, $"{world.Files}/{fileId}"),
        (HttpMethod.Delete, $"{world.Files}/{fileId}"),
    ];
}
