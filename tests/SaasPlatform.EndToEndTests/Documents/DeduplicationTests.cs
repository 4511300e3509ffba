using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>Deduplication (D8): per tenant, by SHA-256, race-free; bytes already stored are never written again.</summary>
[Collection(PlatformCollection.Name)]
public sealed class DeduplicationTests(PlatformFixture platform)
{
    [Fact]
    public async Task Uploading_existing_bytes_reuses_the_file_and_writes_no_object()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var bytes = UniqueText();

        var first = await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, bytes, "test_document.pdf");
        var key = first.GetProperty("file").GetProperty("s3_path").GetString()!;
        var stamp = await ObjectLastModifiedAsync(key);
        await Task.Delay(1100); // object timestamps have second resolution
        var second = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, bytes, "copy.pdf");

        Assert.Equal(first.GetProperty("file_id").GetGuid(), second.GetProperty("file_id").GetGuid());
        Assert.NotEqual(first.GetProperty("id").GetGuid(), second.GetProperty("id").GetGuid());
        Assert.Equal(key, second.GetProperty("file").GetProperty("s3_path").GetString());
        Assert.Equal(stamp, await ObjectLastModifiedAsync(key));
        Assert.Equal([key], await ListKeysAsync(platform, world.FilesPrefix));
    }

    [Fact]
    public async Task The_same_bytes_in_two_tenants_are_two_files()
    {
        using var gateway = platform.CreateGatewayClient();
        var a = await NewWorldAsync(gateway);
        var b = await NewWorldAsync(gateway);
        var bytes = UniqueText();

        var inA = await UploadOkAsync(gateway, a.Admin.AccessToken, a.TenantId, bytes);
        var inB = await UploadOkAsync(gateway, b.Admin.AccessToken, b.TenantId, bytes);

        Assert.NotEqual(inA.GetProperty("file").GetProperty("s3_path").GetString(), inB.GetProperty("file").GetProperty("s3_path").GetString());
        Assert.Single(await ListKeysAsync(platform, a.FilesPrefix));
        Assert.Single(await ListKeysAsync(platform, b.FilesPrefix));
    }

    [Theory]
    [InlineData(4 * 1024)]              // in memory, PUT straight to the final key
    [InlineData(10 * 1024 * 1024 + 17)] // staged in parts, then copied to the final key
    public async Task Concurrent_uploads_of_the_same_bytes_end_as_one_file_and_one_object(int size)
    {
        const int uploads = 20;
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var seed = Random.Shared.Next();
        var sha256 = GeneratedStream.Sha256(size, seed);

        var responses = await Task.WhenAll(Enumerable.Range(0, uploads).Select(async i =>
        {
            using var response = await UploadAsync(gateway, world.User.AccessToken, world.TenantId,
                Form(new GeneratedContent(size, seed), $"same-{i}.bin", "application/octet-stream"));
            return (response.StatusCode, Body: await response.Content.ReadFromJsonAsync<JsonElement>());
        }));

        Assert.All(responses, r => Assert.True(r.StatusCode == HttpStatusCode.Created, r.Body.ToString()));
        var fileIds = responses.Select(r => r.Body.GetProperty("data").GetProperty("file_id").GetGuid()).Distinct().ToList();
        Assert.Single(fileIds);
        Assert.Equal(uploads, responses.Select(r => r.Body.GetProperty("data").GetProperty("id").GetGuid()).Distinct().Count());

        Assert.Equal(1L, await TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM files"));
        Assert.Equal(sha256, await TenantScalarAsync<string>(platform, world, "SELECT sha256_hash FROM files"));
        Assert.Equal((long)uploads, await TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM documents WHERE file_id = @p0", fileIds[0]));
        var key = Assert.Single(await ListKeysAsync(platform, world.FilesPrefix));
        Assert.EndsWith(sha256, key, StringComparison.Ordinal);
        Assert.Empty(await ListKeysAsync(platform, world.StagingPrefix));

        // The one object holds exactly the bytes.
        using var s3 = await StorageAsync(platform);
        using var stored = await s3.GetObjectAsync(Bucket, key);
        Assert.Equal(size, await GeneratedStream.AssertSameAsync(stored.ResponseStream, size, seed));
    }

    private async Task<DateTime?> ObjectLastModifiedAsync(string key)
    {
        using var s3 = await StorageAsync(platform);
        return (await s3.GetObjectMetadataAsync(Bucket, key)).LastModified;
    }
}
