using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Npgsql;
using Xunit.Abstractions;

namespace SaasPlatform.EndToEndTests.Tenancy;

/// <summary>
/// Hundreds of tenants against a server with max_connections=100: each tenant's database is created, queried through
/// the platform (Documents.Api lists its documents) and migrated by <c>migrate-tenants</c>, while the connections
/// to those databases stay within the registries' bounds.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ManyTenantsTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const int Tenants = 210;
    private const int Parallelism = 8;
    private readonly HttpClient _gateway = platform.CreateGatewayClient();

    [Fact]
    public async Task Two_hundred_tenants_are_created_queried_and_migrated_within_the_connection_limit()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var created = new ConcurrentBag<JsonElement>();
        using var sampler = new ConnectionSampler(await TenancyApi.DatabaseAsync(platform, "postgres"));
        try
        {
            var watch = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, Tenants), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (i, _) =>
                created.Add(await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken, $"Bulk {i}")));
            output.WriteLine($"created {Tenants} tenants in {watch.Elapsed.TotalSeconds:0.0} s");
            var databases = created.Select(t => t.GetProperty("database_name").GetString()!).ToArray();
            sampler.Watch(databases);

            // Every tenant serves a request that queries its own database, 8 tenants at a time.
            watch.Restart();
            await Parallel.ForEachAsync(created, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (tenant, _) =>
            {
                using var response = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{tenant.GetProperty("id").GetGuid()}/documents", admin.AccessToken);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            });
            output.WriteLine($"listed the documents of {Tenants} tenants in {watch.Elapsed.TotalSeconds:0.0} s");

            // Take one migration (AddTenantOutbox) back out of every tenant, then migrate them all.
            var outbox = await TenancyApi.ScalarAsync<string>(platform, databases[0],
                "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" LIKE '%_AddTenantOutbox'");
            foreach (var database in databases)
            {
                await TenancyApi.ExecuteAsync(platform, database,
                    $"DROP TABLE outbox_messages; DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = '{outbox}'");
            }

            var ids = created.SelectMany(t => new[] { "--tenant-id", t.GetProperty("id").GetGuid().ToString() });
            var run = await TenancyCommand.RunAsync(platform, ["migrate-tenants", "--parallelism", "8", .. ids]);
            output.WriteLine(run.Output.Length > 4000 ? run.Output[^4000..] : run.Output);
            output.WriteLine($"migrate-tenants over {Tenants} tenants: {run.Elapsed.TotalSeconds:0.0} s (process included)");
            Console.WriteLine($"TIMING migrate-tenants over {Tenants} tenants: {run.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal(0, run.ExitCode);
            Assert.Contains($"{Tenants} migrated", run.Output, StringComparison.Ordinal);
            Assert.Equal(1L, await TenancyApi.ScalarAsync<long>(platform, databases[^1],
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'outbox_messages'"));

            var (maxTenant, maxTotal) = sampler.Stop();
            output.WriteLine($"peak connections: {maxTenant} to these tenant databases, {maxTotal} on the server");
            // Three services hold tenant pools (Documents.Api, Events.Worker, the migrate-tenants process):
            // each registry holds at most 8 pools x 2 connections.
            Assert.True(maxTenant <= 48, $"{maxTenant} connections to tenant databases at once");
            Assert.True(maxTotal < 100, $"{maxTotal} connections on the server at once");
            Assert.True(sampler.Samples > 10, "the sampler did not run");
        }
        finally
        {
            sampler.Stop();
            foreach (var tenant in created)
            {
                await TenancyApi.PurgeTenantAsync(platform, tenant.GetProperty("id").GetGuid(), tenant.GetProperty("database_name").GetString()!);
            }
        }
    }

    /// <summary>Samples pg_stat_activity every 50 ms on one connection of its own.</summary>
    private sealed class ConnectionSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private string[] _databases = [];
        private int _maxTenant;
        private int _maxTotal;

        public ConnectionSampler(string connectionString) => _loop = Task.Run(() => RunAsync(connectionString));

        public int Samples { get; private set; }

        public void Watch(string[] databases) => Volatile.Write(ref _databases, databases);

        public (int MaxTenant, int MaxTotal) Stop()
        {
            _stop.Cancel();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }

            return (_maxTenant, _maxTotal);
        }

        public void Dispose()
        {
            Stop();
            _stop.Dispose();
        }

        private async Task RunAsync(string connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            while (!_stop.IsCancellationRequested)
            {
                await using (var command = new NpgsqlCommand(
                    "SELECT count(*) FILTER (WHERE datname = ANY(@dbs))::int, count(*)::int FROM pg_stat_activity WHERE backend_type = 'client backend'", connection))
                {
                    command.Parameters.AddWithValue("dbs", Volatile.Read(ref _databases));
                    await using var reader = await command.ExecuteReaderAsync();
                    await reader.ReadAsync();
                    _maxTenant = Math.Max(_maxTenant, reader.GetInt32(0));
                    _maxTotal = Math.Max(_maxTotal, reader.GetInt32(1));
                    Samples++;
                }

                try
                {
                    await Task.Delay(50, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
