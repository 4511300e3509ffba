using System.Diagnostics.Metrics;

namespace SaasPlatform.TenantConnections;

/// <summary>
/// Metrics of the background jobs that visit tenant databases (Meter "SaasPlatform"), tagged only by the job's name,
/// never by tenant, so their cardinality does not grow with tenants: databases visited, items handled (files
/// collected, events published), failures, and how many databases wait for a visit.
/// </summary>
public sealed class SweepMetrics : IDisposable
{
    public const string MeterName = "SaasPlatform";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _visited;
    private readonly Counter<long> _handled;
    private readonly Counter<long> _failures;

    public SweepMetrics()
    {
        _visited = _meter.CreateCounter<long>("saasplatform.sweeps.tenants_visited", "{database}", "Tenant databases visited by a background job");
        _handled = _meter.CreateCounter<long>("saasplatform.sweeps.handled", "{item}", "Items a background job handled (files collected, events published, staged uploads deleted)");
        _failures = _meter.CreateCounter<long>("saasplatform.sweeps.failures", "{database}", "Tenant database visits that failed");
    }

    public void Visited(string sweep) => _visited.Add(1, Tag(sweep));

    public void Handled(string sweep, long count)
    {
        if (count > 0)
        {
            _handled.Add(count, Tag(sweep));
        }
    }

    public void Failed(string sweep) => _failures.Add(1, Tag(sweep));

    /// <summary>Reports how many databases <paramref name="schedule"/> holds, as <c>saasplatform.sweeps.scheduled</c>; returns it.</summary>
    public TenantWorkSchedule Observe(string sweep, TenantWorkSchedule schedule)
    {
        _meter.CreateObservableGauge("saasplatform.sweeps.scheduled", () => new Measurement<int>(schedule.Count, Tag(sweep)),
            "{database}", "Tenant databases waiting for a visit by a background job");
        return schedule;
    }

    public void Dispose() => _meter.Dispose();

    private static KeyValuePair<string, object?> Tag(string sweep) => new("sweep", sweep);
}
