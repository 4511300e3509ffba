using Identity.Api.Data;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using SaasPlatform.ServiceDefaults.Telemetry;

namespace SaasPlatform.UnitTests.ServiceDefaults;

/// <summary>
/// A service's exported metrics do not grow with the tenant databases it opens, even though Aspire's Npgsql
/// integration subscribes it to Npgsql's meter (a series per data source, that is per database)
/// (docs/decisions/telemetry-cardinality.md).
/// </summary>
public sealed class PerDatabaseMetricsTests
{
    [Fact]
    public void Npgsql_series_per_data_source_are_not_exported_while_the_platform_metrics_are()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:identitydb"] = "Host=127.0.0.1;Port=1;Database=identitydb;Username=u;Password=p";
        builder.AddServiceDefaults();
        builder.AddNpgsqlDbContext<IdentityDbContext>("identitydb"); // what subscribes the process to Npgsql's meter
        var exported = new List<Metric>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics =>
            metrics.AddReader(new BaseExportingMetricReader(new CollectingExporter(exported))));
        using var host = builder.Build();
        var provider = host.Services.GetRequiredService<MeterProvider>();

        // Real Npgsql data sources, as a recovery pass creates one per tenant database (an unpooled connection string
        // is one too): each reports its own series (db.client.connection.max, ...) without any server reached.
        var dataSources = Enumerable.Range(1, 3)
            .Select(i => NpgsqlDataSource.Create($"Host=127.0.0.1;Port=1;Database=tenant_probe_{i:D8};Username=u;Password=p;Pooling=false"))
            .ToList();
        using var platform = new System.Diagnostics.Metrics.Meter(Microsoft.Extensions.Hosting.Extensions.PlatformActivitySource);
        platform.CreateCounter<long>("saasplatform.probe").Add(1);
        try
        {
            Assert.True(provider.ForceFlush());
        }
        finally
        {
            dataSources.ForEach(d => d.Dispose());
        }

        Assert.Contains(exported, m => m.Name == "saasplatform.probe");
        Assert.DoesNotContain(exported, m => m.MeterName == PerDatabaseMetrics.NpgsqlMeter);
    }

    /// <summary>The cause, kept visible: without the view, the same integration exports a series per data source.</summary>
    [Fact]
    public void Without_the_view_Aspires_Npgsql_integration_exports_a_series_per_tenant_database()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration["ConnectionStrings:identitydb"] = "Host=127.0.0.1;Port=1;Database=identitydb;Username=u;Password=p";
        builder.AddNpgsqlDbContext<IdentityDbContext>("identitydb");
        var exported = new List<Metric>();
        builder.Services.ConfigureOpenTelemetryMeterProvider(metrics =>
            metrics.AddReader(new BaseExportingMetricReader(new CollectingExporter(exported))));
        using var host = builder.Build();
        var provider = host.Services.GetRequiredService<MeterProvider>();

        var dataSources = Enumerable.Range(1, 3)
            .Select(i => NpgsqlDataSource.Create($"Host=127.0.0.1;Port=1;Database=tenant_probe_{i:D8};Username=u;Password=p;Pooling=false"))
            .ToList();
        try
        {
            Assert.True(provider.ForceFlush());
        }
        finally
        {
            dataSources.ForEach(d => d.Dispose());
        }

        var pools = new HashSet<string>(StringComparer.Ordinal);
        foreach (var metric in exported.Where(m => m.MeterName == PerDatabaseMetrics.NpgsqlMeter))
        {
            foreach (ref readonly var point in metric.GetMetricPoints())
            {
                foreach (var tag in point.Tags)
                {
                    if (tag.Key == "db.client.connection.pool.name" && tag.Value is string pool && pool.Contains("tenant_probe_", StringComparison.Ordinal))
                    {
                        pools.Add(pool);
                    }
                }
            }
        }

        Assert.Equal(3, pools.Count);
    }

    [Fact]
    public void The_view_drops_only_the_per_database_meters()
    {
        using var npgsql = new System.Diagnostics.Metrics.Meter(PerDatabaseMetrics.NpgsqlMeter);
        using var http = new System.Diagnostics.Metrics.Meter("System.Net.Http");
        Assert.Same(MetricStreamConfiguration.Drop, PerDatabaseMetrics.View(npgsql.CreateHistogram<double>("db.client.operation.duration")));
        Assert.Null(PerDatabaseMetrics.View(http.CreateHistogram<double>("http.client.request.duration")));
    }

    private sealed class CollectingExporter(List<Metric> exported) : BaseExporter<Metric>
    {
        public override ExportResult Export(in Batch<Metric> batch)
        {
            foreach (var metric in batch)
            {
                exported.Add(metric);
            }

            return ExportResult.Success;
        }
    }
}
