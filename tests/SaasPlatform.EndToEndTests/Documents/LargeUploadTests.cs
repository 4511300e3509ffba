using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Xunit.Abstractions;
using SaasPlatform.EndToEndTests.Identity;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>Streaming uploads (D9): big files go through with flat memory; the limit is enforced by gateway and service.</summary>
[Collection(PlatformCollection.Name)]
public sealed class LargeUploadTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task A_150_MB_upload_is_streamed_and_read_back_byte_for_byte()
    {
        const long size = 150 * 1000 * 1000;
        using var gateway = platform.CreateGatewayClient();
        gateway.Timeout = TimeSpan.FromMinutes(5);
        var world = await NewWorldAsync(gateway);
        var seed = Random.Shared.Next();
        var pid = await DocumentsApiPidAsync();

        var baseline = ResidentBytes(pid);
        using var sampling = new CancellationTokenSource();
        var peak = SamplePeakAsync(pid, sampling.Token);

        var watch = Stopwatch.StartNew();
        using var response = await UploadAsync(gateway, world.User.AccessToken, world.TenantId,
            Form(new GeneratedContent(size, seed), "big.bin", "application/octet-stream"));
        var uploadTime = watch.Elapsed;
        await sampling.CancelAsync();
        var peakBytes = await peak;
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body.ToString());
        var data = body.GetProperty("data");
        Assert.Equal(size, data.GetProperty("file").GetProperty("file_size").GetInt64());
        Assert.EndsWith(GeneratedStream.Sha256(size, seed), data.GetProperty("file").GetProperty("s3_path").GetString()!, StringComparison.Ordinal);

        // Memory stays flat: the process grows by far less than the file (budget 64 MB for a 1 GB upload).
        var growth = peakBytes - baseline;
        output.WriteLine($"MEASURE 150 MB upload through the gateway: {uploadTime.TotalSeconds:F1} s ({size / MiB / uploadTime.TotalSeconds:F0} MiB/s); Documents.Api RSS {baseline / MiB} MiB -> peak {peakBytes / MiB} MiB (+{growth / MiB} MiB)");
        Assert.True(growth < 64 * MiB, $"Documents.Api grew by {growth / MiB} MiB during a 150 MB upload");

        using var download = await gateway.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{world.Documents}/{data.GetProperty("id").GetGuid()}/download")
        {
            Headers = { Authorization = new("Bearer", world.User.AccessToken) },
        }, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(size, download.Content.Headers.ContentLength);
        await using var stream = await download.Content.ReadAsStreamAsync();
        Assert.Equal(size, await GeneratedStream.AssertSameAsync(stream, size, seed));
        Assert.Empty(await ListKeysAsync(platform, world.StagingPrefix));
    }

    [Fact]
    public async Task Over_the_limit_is_413_from_the_gateway_and_from_the_service()
    {
        using var gateway = platform.CreateGatewayClient();
        gateway.Timeout = TimeSpan.FromMinutes(5);
        var world = await NewWorldAsync(gateway);

        // Declared far over the limit: the gateway refuses before reading the body (the client waits for
        // "100 Continue", so it never sends what would be refused).
        var request = new HttpRequestMessage(HttpMethod.Post, world.Documents)
        {
            Content = Form(new GeneratedContent(PlatformFixture.UploadLimitBytes + 10 * MiB, 1), "huge.bin", "application/octet-stream"),
            Headers = { Authorization = new("Bearer", world.User.AccessToken), ExpectContinue = true },
        };
        using (var declared = await gateway.SendAsync(request))
        {
            await AuthApi.AssertErrorAsync(declared, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        }

        // One byte over: the body fits the gateway's allowance for multipart framing, so the service itself counts
        // the file's bytes and refuses.
        using (var justOver = await UploadAsync(gateway, world.User.AccessToken, world.TenantId,
                   Form(new GeneratedContent(PlatformFixture.UploadLimitBytes + 1, 2), "over.bin", "application/octet-stream")))
        {
            await AuthApi.AssertErrorAsync(justOver, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        }

        // Nothing of either is kept.
        Assert.Equal(0L, await TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM files"));
        Assert.Empty(await ListKeysAsync(platform, world.FilesPrefix));
        Assert.Empty(await ListKeysAsync(platform, world.StagingPrefix));

        // Exactly the limit is fine.
        using var atLimit = await UploadAsync(gateway, world.User.AccessToken, world.TenantId,
            Form(new GeneratedContent(PlatformFixture.UploadLimitBytes, 3), "limit.bin", "application/octet-stream"));
        Assert.Equal(HttpStatusCode.Created, atLimit.StatusCode);
    }

    private Task<int> DocumentsApiPidAsync() => ServiceProcess.FindAsync(platform, "documents-api", "Documents.Api");

    private static long ResidentBytes(int pid)
    {
        using var process = Process.GetProcessById(pid);
        process.Refresh();
        return process.WorkingSet64;
    }

    private static async Task<long> SamplePeakAsync(int pid, CancellationToken stop)
    {
        long peak = 0;
        while (!stop.IsCancellationRequested)
        {
            peak = Math.Max(peak, ResidentBytes(pid));
            try
            {
                await Task.Delay(50, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return Math.Max(peak, ResidentBytes(pid));
    }
}
