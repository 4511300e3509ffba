using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;

namespace SaasPlatform.ServiceDefaults.Telemetry;

/// <summary>
/// Drops, at export, the meters whose series multiply with tenant databases. Not subscribing to them is not enough:
/// Aspire's Npgsql integrations (<c>AddNpgsqlDbContext</c>, <c>AddNpgsqlDataSource</c>) subscribe the whole process
/// to Npgsql's meter, which tags every series with its data source (<c>db.client.connection.pool.name</c>: the
/// connection string). Every tenant database a process opens is a data source, and an unpooled connection (a recovery
/// pass visits each database on one) is one too, so after a start-up recovery pass Events.Worker sent a series per
/// tenant database per Npgsql instrument, every second, for the life of the process
/// (docs/decisions/telemetry-cardinality.md).
/// </summary>
public static class PerDatabaseMetrics
{
    /// <summary>Npgsql's meter (<c>Npgsql.MetricsReporter</c>); the tenant pool registry reports bounded ones instead.</summary>
    public const string NpgsqlMeter = "Npgsql";

    /// <summary>The view every service installs: <see cref="MetricStreamConfiguration.Drop"/> for those meters.</summary>
    public static MetricStreamConfiguration? View(Instrument instrument) =>
        instrument.Meter.Name == NpgsqlMeter ? MetricStreamConfiguration.Drop : null;
}
