using System.Diagnostics;
using System.Net.Http.Headers;

namespace SaasPlatform.Bench.Measurements;

/// <summary>
/// Part <c>export</c> (issue 18.6): a tenant of 1,000 documents (16 KiB each, every tenth a duplicate of an earlier one,
/// so 900 stored files) is exported (request to <c>ready</c>, the archive written by Events.Worker into storage) and the
/// archive imported as a new tenant (upload of the archive to <c>201</c>). Baselines in the same run: a client fetching
/// every document one by one through the gateway (4 at a time), and the uploads that built the tenant (4 at a time).
/// </summary>
public static class TenantExportImport
{
    private const int Documents = 1000;
    private const int DocumentBytes = 16 * 1024;
    private const int Concurrency = 4;

    public static async Task<IReadOnlyList<Row>> RunAsync(BenchOptions options, Cleanup cleanup, CancellationToken cancellationToken)
    {
        const string exportName = "Export a tenant of 1,000 documents (request → archive ready)";
        const string importName = "Import that archive as a new tenant (upload → 201)";
        const string target = "– (reported, issue 18.6)";
        using var api = PlatformApi.Create(options.Gateway, TimeSpan.FromMinutes(15));
        string token;
        Guid tenantId;
        var ids = new Guid[Documents];
        double uploadMs;
        try
        {
            (_, token) = await api.NewUserAsync(cancellationToken);
            (tenantId, var databaseName) = await api.CreateTenantAsync(token, "bench export", cancellationToken);
            cleanup.AddTenant(token, tenantId, databaseName);
            var clock = Stopwatch.StartNew();
            await Parallel.ForAsync(0, Documents, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var seed = (ulong)(i % 10 == 9 ? i - 9 : i) + 1; // every tenth repeats the bytes of an earlier one
                    using var content = new ByteArrayContent(PseudoRandomStream.Bytes(DocumentBytes, seed ^ (ulong)tenantId.GetHashCode()));
                    ids[i] = await api.UploadAsync(token, tenantId, content, $"doc-{i:D4}.bin", ct);
                });
            uploadMs = clock.Elapsed.TotalMilliseconds;
            BenchLog.Write($"export: {Documents} documents uploaded in {uploadMs:0} ms");
        }
        catch (BenchSkipException ex)
        {
            return [Row.NotMeasured(exportName, target, ex.Message), Row.NotMeasured(importName, target, ex.Message)];
        }

        var exports = new List<double>();
        var imports = new List<double>();
        var downloads = new List<double>();
        long archiveBytes = 0;
        for (var rep = 0; rep < options.Repeat; rep++)
        {
            try
            {
                var (exportMs, link, size) = await ExportAsync(api, token, tenantId, cancellationToken);
                archiveBytes = size;
                using var storage = new HttpClient { Timeout = TimeSpan.FromMinutes(10) };
                var archive = await storage.GetByteArrayAsync(link, cancellationToken);
                var (importMs, imported, importedDatabase) = await ImportAsync(api, token, archive, cancellationToken);
                cleanup.AddTenant(token, imported, importedDatabase);
                var downloadMs = await DownloadEachAsync(api, token, tenantId, ids, cancellationToken);
                BenchLog.Write($"export: repetition {rep + 1}: export {exportMs:0} ms ({archive.Length} bytes), import {importMs:0} ms, one-by-one downloads {downloadMs:0} ms");
                exports.Add(exportMs);
                imports.Add(importMs);
                downloads.Add(downloadMs);
            }
            catch (BenchSkipException ex)
            {
                return [Row.NotMeasured(exportName, target, ex.Message), Row.NotMeasured(importName, target, ex.Message)];
            }
        }

        var export = Stats.Median(exports);
        var import = Stats.Median(imports);
        var download = Stats.Median(downloads);
        return
        [
            new Row(exportName, $"{Report.Ms(export)} ({Report.MiB(archiveBytes)} archive)",
                $"every document downloaded one by one via gateway, {Concurrency} at a time {Report.Ms(download)}",
                Report.Ratio(download / export), target, Verdict.Info),
            new Row(importName, Report.Ms(import),
                $"the {Documents} uploads that built the tenant, {Concurrency} at a time {Report.Ms(uploadMs)}",
                Report.Ratio(uploadMs / import), target, Verdict.Info),
        ];
    }

    private static async Task<(double Ms, Uri Link, long Size)> ExportAsync(PlatformApi api, string token, Guid tenantId, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenantId}/exports");
        using var response = await api.SendAsync(request, token, cancellationToken);
        var exportId = (await PlatformApi.EnsureAsync(response, "request export", cancellationToken)).GetProperty("data").GetProperty("id").GetGuid();
        while (true)
        {
            using var poll = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenantId}/exports/{exportId}?wait_seconds=30");
            using var answer = await api.SendAsync(poll, token, cancellationToken);
            var data = (await PlatformApi.EnsureAsync(answer, "export status", cancellationToken)).GetProperty("data");
            switch (data.GetProperty("status").GetString())
            {
                case "ready":
                    return (clock.Elapsed.TotalMilliseconds, new Uri(data.GetProperty("download_url").GetString()!), data.GetProperty("size_bytes").GetInt64());
                case "failed":
                    throw new BenchSkipException($"export failed: {data.GetProperty("error")}");
                default:
                    if (clock.Elapsed > TimeSpan.FromMinutes(10))
                    {
                        throw new BenchSkipException("export not ready after 10 minutes");
                    }

                    break;
            }
        }
    }

    private static async Task<(double Ms, Guid TenantId, string DatabaseName)> ImportAsync(PlatformApi api, string token, byte[] archive,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(archive);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        form.Add(file, "archive", "tenant.zip");
        form.Add(new StringContent("bench import"), "name");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tenants/import") { Content = form };
        using var response = await api.SendAsync(request, token, cancellationToken);
        var tenant = (await PlatformApi.EnsureAsync(response, "import", cancellationToken)).GetProperty("data").GetProperty("tenant");
        return (clock.Elapsed.TotalMilliseconds, tenant.GetProperty("id").GetGuid(), tenant.GetProperty("database_name").GetString()!);
    }

    private static async Task<double> DownloadEachAsync(PlatformApi api, string token, Guid tenantId, Guid[] ids, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (id, ct) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/tenants/{tenantId}/documents/{id}/download");
                using var response = await api.SendAsync(request, token, ct);
                if (!response.IsSuccessStatusCode)
                {
                    throw new BenchSkipException($"download: {(int)response.StatusCode}");
                }

                await response.Content.CopyToAsync(Stream.Null, ct);
            });
        return clock.Elapsed.TotalMilliseconds;
    }
}
