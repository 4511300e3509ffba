using System.Net;
using SaasPlatform.EndToEndTests.Identity;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>
/// D10: a file left without documents is collected, row and object, once its grace period is over (3 s in the test
/// run); a document that comes back first saves it.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class OrphanTests(PlatformFixture platform)
{
    [Fact]
    public async Task An_orphan_is_collected_after_the_grace_period_and_its_object_is_gone()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var shared = UniqueText();
        var first = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, shared, "one.txt", "text/plain");
        var second = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, shared, "two.txt", "text/plain");
        var fileId = first.GetProperty("file_id").GetGuid();
        var key = first.GetProperty("file").GetProperty("s3_path").GetString()!;

        // Deleting one of two documents orphans nothing.
        using (var delete = await SendAsync(gateway, HttpMethod.Delete, $"{world.Documents}/{first.GetProperty("id").GetGuid()}", world.User.AccessToken))
        {
            Assert.False((await delete.JsonAsync()).GetProperty("data").GetProperty("file_orphaned").GetBoolean());
        }

        using (var delete = await SendAsync(gateway, HttpMethod.Delete, $"{world.Documents}/{second.GetProperty("id").GetGuid()}", world.User.AccessToken))
        {
            Assert.True((await delete.JsonAsync()).GetProperty("data").GetProperty("file_orphaned").GetBoolean());
        }

        Assert.NotNull(await TenantScalarAsync<DateTime?>(platform, world, "SELECT orphaned_at FROM files WHERE id = @p0", fileId));
        var detail = await GetDataAsync(gateway, $"{world.Files}/{fileId}", world.Viewer.AccessToken);
        Assert.True(detail.GetProperty("is_orphaned").GetBoolean());

        Assert.True(await EventuallyAsync(TimeSpan.FromSeconds(30), async () =>
            await TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM files WHERE id = @p0", fileId) == 0));
        Assert.False(await ObjectExistsAsync(platform, key));
        Assert.Empty(await ListKeysAsync(platform, world.FilesPrefix));
        using var gone = await SendAsync(gateway, HttpMethod.Get, $"{world.Files}/{fileId}", world.Viewer.AccessToken);
        await AuthApi.AssertErrorAsync(gone, HttpStatusCode.NotFound, "not_found");

        // The same bytes uploaded afterwards are stored anew.
        var again = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, shared, "again.txt", "text/plain");
        Assert.NotEqual(fileId, again.GetProperty("file_id").GetGuid());
        Assert.True(await ObjectExistsAsync(platform, key));
    }

    [Fact]
    public async Task A_reupload_before_collection_saves_the_file()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var bytes = UniqueText();
        var first = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, bytes, "one.txt", "text/plain");
        var fileId = first.GetProperty("file_id").GetGuid();
        var key = first.GetProperty("file").GetProperty("s3_path").GetString()!;

        using (var delete = await SendAsync(gateway, HttpMethod.Delete, $"{world.Documents}/{first.GetProperty("id").GetGuid()}", world.User.AccessToken))
        {
            Assert.True((await delete.JsonAsync()).GetProperty("data").GetProperty("file_orphaned").GetBoolean());
        }

        var back = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, bytes, "back.txt", "text/plain");
        Assert.Equal(fileId, back.GetProperty("file_id").GetGuid());
        Assert.Null(await TenantScalarAsync<DateTime?>(platform, world, "SELECT orphaned_at FROM files WHERE id = @p0", fileId));

        // Well past the grace period (and the scheduled collection): still there.
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.Equal(1L, await TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM files WHERE id = @p0", fileId));
        Assert.True(await ObjectExistsAsync(platform, key));
        using var download = await SendAsync(gateway, HttpMethod.Get, $"{world.Documents}/{back.GetProperty("id").GetGuid()}/download", world.User.AccessToken);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
    }
}
