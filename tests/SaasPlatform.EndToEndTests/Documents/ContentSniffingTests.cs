using System.Text.Json;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary><c>document.uploaded</c> is handled by the worker: it detects the real type and records it on the file.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ContentSniffingTests(PlatformFixture platform)
{
    [Fact]
    public async Task The_worker_records_the_detected_type_and_a_mismatch()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, .. UniqueBytes(64)];
        var disguised = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, png, "invoice.pdf", "application/pdf");
        var honest = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, UniqueText("%PDF-1.7\n"), "real.pdf", "application/pdf");

        var disguisedMetadata = await MetadataEventuallyAsync(gateway, world, disguised.GetProperty("file_id").GetGuid());
        Assert.Equal("image/png", disguisedMetadata.GetProperty("detected_mime_type").GetString());
        Assert.True(disguisedMetadata.GetProperty("mime_mismatch").GetBoolean());

        var honestMetadata = await MetadataEventuallyAsync(gateway, world, honest.GetProperty("file_id").GetGuid());
        Assert.Equal("application/pdf", honestMetadata.GetProperty("detected_mime_type").GetString());
        Assert.False(honestMetadata.GetProperty("mime_mismatch").GetBoolean());
    }

    private static async Task<JsonElement> MetadataEventuallyAsync(HttpClient gateway, DocumentWorld world, Guid fileId)
    {
        JsonElement metadata = default;
        var found = await EventuallyAsync(TimeSpan.FromSeconds(30), async () =>
        {
            metadata = (await GetDataAsync(gateway, $"{world.Files}/{fileId}", world.Viewer.AccessToken)).GetProperty("file_metadata");
            return metadata.TryGetProperty("detected_mime_type", out _);
        });
        Assert.True(found, $"no detected_mime_type on file {fileId}: {metadata}");
        return metadata;
    }
}
