using System.Diagnostics;
using System.Security.Cryptography;

namespace SaasPlatform.Bench.Measurements;

/// <summary>
/// Part 4: a 100 MB upload through the gateway against a bare PUT of the same bytes to the same S3 server; a re-upload
/// of the same bytes (deduplicated) against hashing them alone; Documents.Api's peak memory growth during a 1 GB upload.
/// </summary>
public static class Uploads
{
    private const double MinThroughputRatio = 0.7;
    private const long MaxGrowthBytes = 64L * 1024 * 1024;

    public static async Task<IReadOnlyList<Row>> RunAsync(BenchOptions options, Cleanup cleanup, CancellationToken cancellationToken)
    {
        var size = Report.MiB(options.UploadBytes);
        var uploadName = $"Upload {size} via gateway (POST …/documents, multipart)";
        const string uploadTarget = "≥ 0.70 × bare PUT throughput";
        var memoryName = $"Documents.Api peak RSS growth during a {Report.MiB(options.LargeUploadBytes)} upload";
        const string memoryTarget = "≤ 64 MiB for 1 GiB";
        using var api = PlatformApi.Create(options.Gateway, TimeSpan.FromMinutes(10));
        using var s3 = new HttpClient { BaseAddress = options.S3, Timeout = TimeSpan.FromMinutes(10) };
        string token;
        Guid tenantId;
        try
        {
            (_, token) = await api.NewUserAsync(cancellationToken);
            (tenantId, var databaseName) = await api.CreateTenantAsync(token, "bench uploads", cancellationToken);
            cleanup.AddTenant(token, tenantId, databaseName);
            // Warm-up: the first upload pays for JIT, the tenant's connection pool and the S3 client.
            using var small = new ByteArrayContent(PseudoRandomStream.Bytes(64 * 1024, (ulong)Random.Shared.NextInt64()));
            await api.UploadAsync(token, tenantId, small, "warmup.bin", cancellationToken);
            await BarePutAsync(s3, options.Bucket, PseudoRandomStream.Bytes(64 * 1024, 1), cancellationToken);
        }
        catch (BenchSkipException ex)
        {
            return [Row.NotMeasured(uploadName, uploadTarget, ex.Message), Row.NotMeasured(memoryName, memoryTarget, ex.Message)];
        }

        var uploads = new List<double>();
        var puts = new List<double>();
        var ratios = new List<double>();
        var multiparts = new List<double>();
        var reuploads = new List<double>();
        var hashes = new List<double>();
        string uploadProfile = "–", putProfile = "–";
        for (var rep = 0; rep < options.Repeat; rep++)
        {
            var bytes = PseudoRandomStream.Bytes((int)options.UploadBytes, (ulong)Random.Shared.NextInt64());
            async Task<double> UploadAsync()
            {
                var profile = CpuProfile.Start(options.RunMarker);
                var elapsed = await TimedUploadAsync(api, token, tenantId, bytes, cancellationToken);
                uploadProfile = profile.Stop().PerUnit(1, "upload");
                return elapsed;
            }

            async Task<double> PutAsync()
            {
                var profile = CpuProfile.Start(options.RunMarker);
                var elapsed = await BarePutAsync(s3, options.Bucket, bytes, cancellationToken);
                putProfile = profile.Stop().PerUnit(1, "PUT");
                return elapsed;
            }

            double upload, put;
            if (rep % 2 == 0)
            {
                upload = await UploadAsync();
                put = await PutAsync();
            }
            else
            {
                put = await PutAsync();
                upload = await UploadAsync();
            }

            BenchLog.Write($"upload: {uploadProfile}; bare PUT: {putProfile}");

            var reupload = await TimedUploadAsync(api, token, tenantId, bytes, cancellationToken);
            var multipart = await BareMultipartAsync(s3, options.Bucket, bytes, cancellationToken);
            var hash = HashAlone(bytes);
            BenchLog.Write($"upload: repetition {rep + 1}: upload {upload:0} ms, bare PUT {put:0} ms, bare multipart {multipart:0} ms, re-upload {reupload:0} ms, SHA-256+MD5 {hash:0} ms");
            multiparts.Add(multipart);
            uploads.Add(upload);
            puts.Add(put);
            ratios.Add(put / upload);
            reuploads.Add(reupload);
            hashes.Add(hash);
        }

        var rows = new List<Row>();
        var ratio = Stats.Median(ratios);
        rows.Add(new Row(uploadName,
            $"{Report.Ms(Stats.Median(uploads))} ({Report.MiBps(options.UploadBytes / (Stats.Median(uploads) / 1000))})",
            $"bare PUT to s3rver {Report.Ms(Stats.Median(puts))} ({Report.MiBps(options.UploadBytes / (Stats.Median(puts) / 1000))})",
            Report.Ratio(ratio), uploadTarget, Report.Check(ratio >= MinThroughputRatio)));
        rows.Add(new Row($"Upload {size} via gateway, against the server's own multipart path",
            Report.Ms(Stats.Median(uploads)),
            $"bare multipart upload to s3rver, 8 MiB parts {Report.Ms(Stats.Median(multiparts))}",
            Report.Ratio(Stats.Median(multiparts.Zip(uploads, (m, u) => m / u))), "– (explains the row above)", Verdict.Info));
        rows.Add(new Row($"Upload {size} via gateway: where the CPU goes (every process, last run)", uploadProfile,
            "bare PUT: " + putProfile, "", "– (the profile behind the upload rows)", Verdict.Info));
        rows.Add(new Row($"Re-upload of the same {size} (deduplicated) via gateway",
            Report.Ms(Stats.Median(reuploads)), $"SHA-256 + MD5 of the bytes in memory {Report.Ms(Stats.Median(hashes))}",
            Report.Ratio(Stats.Median(reuploads.Zip(hashes, (r, h) => r / h))), "– (no target)", Verdict.Info));

        rows.Add(await LargeUploadAsync(options, api, token, tenantId, memoryName, memoryTarget, cancellationToken));
        return rows;
    }

    private static async Task<Row> LargeUploadAsync(BenchOptions options, PlatformApi api, string token, Guid tenantId,
        string name, string target, CancellationToken cancellationToken)
    {
        if (options.RunMarker is null)
        {
            return Row.NotMeasured(name, target, "BENCH_RUN_ID not set (start the platform with bench/run.sh)");
        }

        var pid = ProcessMemory.FindService(options.RunMarker, "Documents.Api");
        if (pid is null)
        {
            return Row.NotMeasured(name, target, "Documents.Api process of this run not found");
        }

        var growths = new List<double>();
        var times = new List<double>();
        for (var rep = 0; rep < options.Repeat; rep++)
        {
            await using var sampler = new ProcessMemory.Sampler(pid.Value, TimeSpan.FromMilliseconds(10));
            var watch = Stopwatch.StartNew();
            try
            {
                using var content = new StreamContent(new PseudoRandomStream(options.LargeUploadBytes, (ulong)Random.Shared.NextInt64()), 1024 * 1024);
                await api.UploadAsync(token, tenantId, content, "large.bin", cancellationToken);
            }
            catch (BenchSkipException ex)
            {
                return Row.NotMeasured(name, target, ex.Message);
            }

            var elapsed = watch.Elapsed.TotalMilliseconds;
            await sampler.DisposeAsync();
            var growth = sampler.Peak - sampler.Start;
            BenchLog.Write($"upload: {Report.MiB(options.LargeUploadBytes)} in {elapsed:0} ms; Documents.Api (pid {pid}) RSS {Report.MiB(sampler.Start)} -> peak {Report.MiB(sampler.Peak)} over {sampler.Samples} samples");
            growths.Add(growth);
            times.Add(elapsed);
        }

        var median = Stats.Median(growths);
        return new Row(name, $"{Report.MiB(median)} (upload {Report.MiBps(options.LargeUploadBytes / (Stats.Median(times) / 1000))})",
            "RSS before the upload (sampled every 10 ms)", "", target, Report.Check(median <= MaxGrowthBytes));
    }

    private static async Task<double> TimedUploadAsync(PlatformApi api, string token, Guid tenantId, byte[] bytes, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var content = new ByteArrayContent(bytes);
        await api.UploadAsync(token, tenantId, content, "bench.bin", cancellationToken);
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>PUT of the bytes to the same S3 server and bucket (s3rver checks no signature); the object is deleted after.</summary>
    private static async Task<double> BarePutAsync(HttpClient s3, string bucket, byte[] bytes, CancellationToken cancellationToken)
    {
        var key = $"{bucket}/bench/{Guid.NewGuid():N}";
        var watch = Stopwatch.StartNew();
        using (var content = new ByteArrayContent(bytes))
        {
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
            using var response = await s3.PutAsync(key, content, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new BenchSkipException($"bare PUT to S3: {(int)response.StatusCode}");
            }
        }

        var elapsed = watch.Elapsed.TotalMilliseconds;
        using (await s3.DeleteAsync(key, CancellationToken.None))
        {
        }

        return elapsed;
    }

    /// <summary>
    /// The least any streaming uploader must do on the same server: a multipart upload of the bytes in the platform's
    /// part size (8 MiB), parts sent one after another, then completed (s3rver then writes the object a second time).
    /// </summary>
    private static async Task<double> BareMultipartAsync(HttpClient s3, string bucket, byte[] bytes, CancellationToken cancellationToken)
    {
        const int partSize = 8 * 1024 * 1024;
        var key = $"{bucket}/bench/{Guid.NewGuid():N}";
        var watch = Stopwatch.StartNew();
        string uploadId;
        using (var initiated = await s3.PostAsync($"{key}?uploads", null, cancellationToken))
        {
            var xml = System.Xml.Linq.XDocument.Parse(await initiated.Content.ReadAsStringAsync(cancellationToken));
            uploadId = xml.Descendants().First(e => e.Name.LocalName == "UploadId").Value;
        }

        var parts = new System.Text.StringBuilder("<CompleteMultipartUpload>");
        for (int offset = 0, number = 1; offset < bytes.Length; offset += partSize, number++)
        {
            using var content = new ByteArrayContent(bytes, offset, Math.Min(partSize, bytes.Length - offset));
            using var part = await s3.PutAsync($"{key}?partNumber={number}&uploadId={uploadId}", content, cancellationToken);
            if (!part.IsSuccessStatusCode)
            {
                throw new BenchSkipException($"bare multipart part to S3: {(int)part.StatusCode}");
            }

            parts.Append($"<Part><PartNumber>{number}</PartNumber><ETag>{part.Headers.ETag?.Tag}</ETag></Part>");
        }

        parts.Append("</CompleteMultipartUpload>");
        using (var completed = await s3.PostAsync($"{key}?uploadId={uploadId}", new StringContent(parts.ToString()), cancellationToken))
        {
            if (!completed.IsSuccessStatusCode)
            {
                throw new BenchSkipException($"bare multipart completion: {(int)completed.StatusCode}");
            }
        }

        var elapsed = watch.Elapsed.TotalMilliseconds;
        using (await s3.DeleteAsync(key, CancellationToken.None))
        {
        }

        return elapsed;
    }

    private static double HashAlone(byte[] bytes)
    {
        var watch = Stopwatch.StartNew();
        using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        const int chunk = 1024 * 1024;
        for (var offset = 0; offset < bytes.Length; offset += chunk)
        {
            var span = bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset));
            sha256.AppendData(span);
            md5.AppendData(span);
        }

        _ = sha256.GetHashAndReset();
        _ = md5.GetHashAndReset();
        return watch.Elapsed.TotalMilliseconds;
    }
}
