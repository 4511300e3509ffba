using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using SaasPlatform.EndToEndTests.Identity;
using Xunit.Abstractions;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;
using static SaasPlatform.EndToEndTests.Exports.ExportsApi;

namespace SaasPlatform.EndToEndTests.Exports;

/// <summary>An export survives the crash of the worker writing it: Kafka redelivers its event and it is written again.</summary>
[Collection(PlatformCollection.Name)]
public sealed class ExportRestartTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const string Worker = "events-worker";

    [Fact]
    public async Task An_export_interrupted_by_a_worker_crash_is_written_again_after_the_restart()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        // Enough bytes that the archive takes a moment to write, so the crash lands while it runs.
        var hashes = new Dictionary<string, string>();
        for (var i = 0; i < 40; i++)
        {
            var bytes = UniqueBytes(1024 * 1024);
            hashes[$"part-{i:D2}.bin"] = Convert.ToHexStringLower(SHA256.HashData(bytes));
            await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, bytes, $"part-{i:D2}.bin", "application/octet-stream");
        }

        using var requested = await RequestExportAsync(gateway, world.Admin.AccessToken, world.TenantId);
        Assert.Equal(HttpStatusCode.Accepted, requested.StatusCode);
        var exportId = (await requested.JsonAsync()).GetProperty("data").GetProperty("id").GetGuid();
        var path = $"/api/tenants/{world.TenantId}/exports/{exportId}";

        // Crash the worker as soon as it has started writing.
        Assert.True(await EventuallyAsync(TimeSpan.FromSeconds(60), async () =>
        {
            using var status = await AuthApi.SendAsync(gateway, HttpMethod.Get, path, world.Admin.AccessToken);
            return status.StatusCode == HttpStatusCode.OK
                && (await status.JsonAsync()).GetProperty("data").GetProperty("status").GetString() != "pending";
        }), "the export never started");
        await ResourceRestarts.KillAsync(platform, Worker, "Events.Worker", output);
        await ResourceRestarts.StartAsync(platform, Worker, output);
        using (var healthy = new CancellationTokenSource(TimeSpan.FromMinutes(2)))
        {
            await platform.WaitForInstancesHealthyAsync(Worker, healthy.Token);
        }

        var export = await WaitReadyAsync(gateway, world.Admin.AccessToken, world.TenantId, exportId, TimeSpan.FromMinutes(3));
        output.WriteLine($"ready after {export.GetProperty("attempts").GetInt32()} attempt(s)");
        Assert.True(export.GetProperty("attempts").GetInt32() >= 2, $"the crash did not interrupt the export: {export}");
        using var zip = new ZipArchive(new MemoryStream(await DownloadAsync(export)), ZipArchiveMode.Read);
        var documents = ReadJson(zip, "documents.json").EnumerateArray().ToList();
        Assert.Equal(40, documents.Count);
        foreach (var document in documents)
        {
            var sha256 = hashes[document.GetProperty("filename").GetString()!];
            Assert.Equal(sha256, Convert.ToHexStringLower(SHA256.HashData(ReadBytes(zip, $"files/{sha256}"))));
        }
    }
}
