using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using SaasPlatform.TenantSchema;

namespace SaasPlatform.Bench.Measurements;

/// <summary>
/// Part 3: sequential <c>POST /api/tenants</c> through the gateway against, on the same PostgreSQL server, a bare
/// <c>CREATE DATABASE</c> and a <c>CREATE DATABASE</c> followed by the tenant schema's DDL (what a tenant must carry
/// before the 201, decision D7).
/// </summary>
public static class TenantCreation
{
    private const double FlaskMs = 136;

    public static async Task<IReadOnlyList<Row>> RunAsync(BenchOptions options, Cleanup cleanup, CancellationToken cancellationToken)
    {
        var name = $"Tenant creation, mean of {options.TenantCreations} sequential POST /api/tenants via gateway";
        const string target = "≤ 1.5 × (CREATE DATABASE + schema) and ≤ 136 ms";
        if (options.Postgres is null)
        {
            return [Row.NotMeasured(name, target, "BENCH_POSTGRES not set")];
        }

        using var api = PlatformApi.Create(options.Gateway);
        string token;
        try
        {
            (_, token) = await api.NewUserAsync(cancellationToken);
            var first = await api.CreateTenantAsync(token, "bench warmup", cancellationToken);
            cleanup.AddTenant(token, first.Id, first.DatabaseName);
        }
        catch (BenchSkipException ex)
        {
            return [Row.NotMeasured(name, target, ex.Message)];
        }

        var schema = SchemaScript();
        await using var server = NpgsqlDataSource.Create(options.Postgres);
        await BareCreateAsync(server, options.Postgres, null, cancellationToken);

        var creations = new List<double>();
        var bare = new List<double>();
        var withSchema = new List<double>();
        var ratios = new List<double>();
        for (var rep = 0; rep < options.Repeat; rep++)
        {
            var times = new List<double>();
            for (var i = 0; i < options.TenantCreations; i++)
            {
                var watch = Stopwatch.StartNew();
                var tenant = await api.CreateTenantAsync(token, $"bench create {rep} {i}", cancellationToken);
                times.Add(watch.Elapsed.TotalMilliseconds);
                cleanup.AddTenant(token, tenant.Id, tenant.DatabaseName);
            }

            var bareTimes = new List<double>();
            var schemaTimes = new List<double>();
            for (var i = 0; i < options.TenantCreations; i++)
            {
                bareTimes.Add(await BareCreateAsync(server, options.Postgres, null, cancellationToken));
                schemaTimes.Add(await BareCreateAsync(server, options.Postgres, schema, cancellationToken));
            }

            var creation = Stats.Mean(times);
            var baseline = Stats.Mean(schemaTimes);
            BenchLog.Write($"tenants: repetition {rep + 1}: POST mean {creation:0.0} ms (min {times.Min():0.0}, max {times.Max():0.0}); " +
                $"CREATE DATABASE {Stats.Mean(bareTimes):0.0} ms; + schema {baseline:0.0} ms");
            creations.Add(creation);
            bare.Add(Stats.Mean(bareTimes));
            withSchema.Add(baseline);
            ratios.Add(creation / baseline);
        }

        var ms = Stats.Median(creations);
        var ratio = Stats.Median(ratios);
        return
        [
            new Row(name, $"{Report.Ms(ms)} (Flask {FlaskMs:0} ms)",
                $"CREATE DATABASE + schema {Report.Ms(Stats.Median(withSchema))} (bare CREATE DATABASE {Report.Ms(Stats.Median(bare))})",
                Report.Ratio(ratio), target, Report.Check(ratio <= 1.5 && ms <= FlaskMs)),
        ];
    }

    /// <summary>Times CREATE DATABASE (and the schema's DDL on a new connection to it), then drops it untimed.</summary>
    private static async Task<double> BareCreateAsync(NpgsqlDataSource server, string connectionString, string? schema, CancellationToken cancellationToken)
    {
        var database = $"bench_scratch_{Guid.NewGuid():N}";
        var watch = Stopwatch.StartNew();
        await using (var create = server.CreateCommand($"CREATE DATABASE \"{database}\""))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        if (schema is not null)
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = database, Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var ddl = new NpgsqlCommand(schema, connection);
            await ddl.ExecuteNonQueryAsync(cancellationToken);
        }

        var elapsed = watch.Elapsed.TotalMilliseconds;
        await using (var drop = server.CreateCommand($"DROP DATABASE \"{database}\" WITH (FORCE)"))
        {
            await drop.ExecuteNonQueryAsync(CancellationToken.None);
        }

        return elapsed;
    }

    /// <summary>The tenant schema's DDL, from the model every tenant database carries.</summary>
    private static string SchemaScript()
    {
        using var context = new TenantDbContext(new DbContextOptionsBuilder<TenantDbContext>().UseNpgsql("Host=127.0.0.1").Options);
        return context.Database.GenerateCreateScript();
    }
}
