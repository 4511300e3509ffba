using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using SaasPlatform.EndToEndTests.Identity;

namespace SaasPlatform.EndToEndTests.Exports;

/// <summary>Helpers over the export and import API (through the gateway).</summary>
internal static class ExportsApi
{
    public static Task<HttpResponseMessage> RequestExportAsync(HttpClient gateway, string token, Guid tenantId) =>
        AuthApi.SendAsync(gateway, HttpMethod.Post, $"/api/tenants/{tenantId}/exports", token);

    /// <summary>Requests an export (asserting 202) and waits until it is ready; returns the ready export's data.</summary>
    public static async Task<JsonElement> ExportAsync(HttpClient gateway, string token, Guid tenantId, TimeSpan? patience = null)
    {
        using var response = await RequestExportAsync(gateway, token, tenantId);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"export: {(int)response.StatusCode} {body}");
        var exportId = body.GetProperty("data").GetProperty("id").GetGuid();
        Assert.Equal($"/api/tenants/{tenantId}/exports/{exportId}", response.Headers.Location?.OriginalString);
        return await WaitReadyAsync(gateway, token, tenantId, exportId, patience ?? TimeSpan.FromMinutes(2));
    }

    public static async Task<JsonElement> WaitReadyAsync(HttpClient gateway, string token, Guid tenantId, Guid exportId, TimeSpan patience)
    {
        var stop = DateTime.UtcNow + patience;
        while (true)
        {
            using var response = await AuthApi.SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{tenantId}/exports/{exportId}?wait_seconds=10", token);
            var body = await response.JsonAsync();
            // A worker that is (re)starting answers 503 until it is ready: keep asking until the deadline.
            if (response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway && DateTime.UtcNow < stop)
            {
                await Task.Delay(500);
                continue;
            }

            Assert.True(response.StatusCode == HttpStatusCode.OK, $"export status: {(int)response.StatusCode} {body}");
            var data = body.GetProperty("data");
            var status = data.GetProperty("status").GetString();
            if (status == "ready")
            {
                return data;
            }

            Assert.True(DateTime.UtcNow < stop, $"export {exportId} not ready after {patience}: {data}");
            await Task.Delay(250);
        }
    }

    /// <summary>The archive through its presigned link (no token: the link is the authorisation).</summary>
    public static async Task<byte[]> DownloadAsync(JsonElement readyExport)
    {
        using var client = new HttpClient();
        return await client.GetByteArrayAsync(new Uri(readyExport.GetProperty("download_url").GetString()!));
    }

    public static Task<HttpResponseMessage> ImportArchiveAsync(HttpClient gateway, string token, byte[] archive, string? name = null)
    {
        var form = new MultipartFormDataContent($"----import-{Guid.NewGuid():N}");
        var file = new ByteArrayContent(archive);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(file, "archive", "tenant.zip");
        if (name is not null)
        {
            form.Add(new StringContent(name), "name");
        }

        var request = new HttpRequestMessage(HttpMethod.Post, "/api/tenants/import") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return gateway.SendAsync(request);
    }

    /// <summary>The caller's active tenant ids.</summary>
    public static async Task<HashSet<Guid>> TenantIdsAsync(HttpClient gateway, string token)
    {
        using var response = await AuthApi.SendAsync(gateway, HttpMethod.Get, "/api/tenants", token);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        var data = body.GetProperty("data");
        var list = data.ValueKind == JsonValueKind.Array ? data : data.GetProperty("tenants");
        return list.EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ToHashSet();
    }

    public static JsonElement ReadJson(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        Assert.True(entry is not null, $"the archive has no {name}");
        using var stream = entry.Open();
        return JsonDocument.Parse(stream).RootElement.Clone();
    }

    public static byte[] ReadBytes(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        Assert.True(entry is not null, $"the archive has no {name}");
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
