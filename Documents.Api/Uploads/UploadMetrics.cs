using System.Diagnostics.Metrics;

namespace Documents.Api.Uploads;

/// <summary>
/// Upload metrics on Meter "SaasPlatform", tagged only by whether the bytes were already stored (never by tenant):
/// bytes received, upload duration, and uploads by outcome. The upload calls <see cref="Uploaded"/> once it committed.
/// </summary>
public static class UploadMetrics
{
    private static readonly Meter Meter = new("SaasPlatform");

    private static readonly Counter<long> Bytes = Meter.CreateCounter<long>(
        "saasplatform.uploads.bytes", "By", "Bytes of uploaded documents (deduplicated ones included)");

    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>(
        "saasplatform.uploads.duration", "s", "From the upload request's start to its commit");

    private static readonly Counter<long> Count = Meter.CreateCounter<long>(
        "saasplatform.uploads.count", "{upload}", "Uploads committed, by whether their bytes were deduplicated");

    /// <summary>Records one committed upload of <paramref name="bytes"/> that started at timestamp <paramref name="started"/>.</summary>
    public static void Uploaded(long bytes, bool deduplicated, TimeProvider time, long started)
    {
        var tag = new KeyValuePair<string, object?>("deduplicated", deduplicated);
        Bytes.Add(bytes, tag);
        Count.Add(1, tag);
        Duration.Record(time.GetElapsedTime(started).TotalSeconds, tag);
    }
}
