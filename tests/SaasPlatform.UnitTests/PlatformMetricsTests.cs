using System.Diagnostics.Metrics;
using Documents.Api.Uploads;
using Events.Worker.Consuming;
using Microsoft.Extensions.Time.Testing;
using SaasPlatform.Messaging.Outbox;
using SaasPlatform.TenantConnections;

namespace SaasPlatform.UnitTests;

/// <summary>
/// The platform's own metrics (Meter "SaasPlatform"): what they record, and that no tag carries a tenant or a database,
/// so their series do not multiply with tenants.
/// </summary>
public sealed class PlatformMetricsTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Name, double Value, Dictionary<string, object?> Tags)> _measurements = [];

    public PlatformMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "SaasPlatform")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<int>((i, v, t, _) => Record(i, v, t));
        _listener.SetMeasurementEventCallback<double>((i, v, t, _) => Record(i, v, t));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public void An_upload_records_bytes_duration_and_whether_it_was_deduplicated()
    {
        var time = new FakeTimeProvider();
        var started = time.GetTimestamp();
        time.Advance(TimeSpan.FromMilliseconds(250));
        UploadMetrics.Uploaded(4096, deduplicated: true, time, started);

        Assert.Contains(_measurements, m => m.Name == "saasplatform.uploads.bytes" && m.Value == 4096 && Equals(m.Tags["deduplicated"], true));
        Assert.Contains(_measurements, m => m.Name == "saasplatform.uploads.count" && m.Value == 1);
        Assert.Contains(_measurements, m => m.Name == "saasplatform.uploads.duration" && Math.Abs(m.Value - 0.25) < 0.001);
        AssertNoTenantTags();
    }

    [Fact]
    public void The_outbox_reports_publications_lag_and_pending_rows_without_naming_databases()
    {
        using var metrics = new OutboxMetrics();
        metrics.Published("document.uploaded", TimeSpan.FromMilliseconds(40));
        metrics.PendingAfterPublish("tenant_a_00000001", 3);
        metrics.PendingAfterPublish("tenant_b_00000002", 2);
        Assert.Equal(5, metrics.Pending);
        metrics.PendingAfterPublish("tenant_a_00000001", 0);
        Assert.Equal(2, metrics.Pending);

        _listener.RecordObservableInstruments();
        Assert.Contains(_measurements, m => m.Name == "saasplatform.outbox.published" && Equals(m.Tags["topic"], "document.uploaded"));
        Assert.Contains(_measurements, m => m.Name == "saasplatform.outbox.relay_lag" && m.Value == 40);
        Assert.Contains(_measurements, m => m.Name == "saasplatform.outbox.publish_failures" && m.Value == 3);
        Assert.Contains(_measurements, m => m.Name == "saasplatform.outbox.pending" && m.Value == 2);
        AssertNoTenantTags();
    }

    [Fact]
    public void Sweeps_report_visits_handled_items_failures_and_scheduled_databases_by_job_only()
    {
        using var metrics = new SweepMetrics();
        var schedule = new TenantWorkSchedule(TimeProvider.System);
        metrics.Observe("orphans", schedule);
        schedule.RequestNow("tenant_a_00000001");
        metrics.Visited("orphans");
        metrics.Handled("orphans", 2);
        metrics.Handled("orphans", 0);
        metrics.Failed("orphans");

        _listener.RecordObservableInstruments();
        Assert.Contains(_measurements, m => m.Name == "saasplatform.sweeps.tenants_visited" && Equals(m.Tags["sweep"], "orphans"));
        Assert.Single(_measurements, m => m.Name == "saasplatform.sweeps.handled");
        Assert.Contains(_measurements, m => m.Name == "saasplatform.sweeps.failures");
        Assert.Contains(_measurements, m => m.Name == "saasplatform.sweeps.scheduled" && m.Value == 1);
        AssertNoTenantTags();
    }

    [Fact]
    public void Tenant_pools_report_bounded_figures()
    {
        using var pools = new TenantDataSources("Host=127.0.0.1;Username=postgres;Password=x", new TenantConnectionOptions(), TimeProvider.System);
        _listener.RecordObservableInstruments();
        Assert.Contains(_measurements, m => m.Name == "saasplatform.tenant_pools.open" && m.Value == 0);
        Assert.Contains(_measurements, m => m.Name == "saasplatform.tenant_pools.max_connections" && m.Value == 16);
        AssertNoTenantTags();
    }

    [Theory]
    [InlineData(10, 10, 0)] // nothing pending
    [InlineData(12, 10, 2)]
    [InlineData(10, 12, 0)] // a stale cached watermark behind the position
    public void Consumer_lag_is_never_negative_and_zero_when_caught_up(long high, long position, long expected) =>
        Assert.Equal(expected, ConsumerMetrics.Lag(high, position));

    private void AssertNoTenantTags() =>
        Assert.DoesNotContain(_measurements, m => m.Tags.Keys.Any(k => k.Contains("tenant", StringComparison.OrdinalIgnoreCase)
            || k.Contains("database", StringComparison.OrdinalIgnoreCase) || k.Contains("pool.name", StringComparison.Ordinal)));

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
        }
    }
}
