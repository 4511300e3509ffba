using Npgsql;

namespace SaasPlatform.EndToEndTests.TenantServers;

/// <summary>
/// The platform with two PostgreSQL servers for tenant databases (<c>--Platform:TenantServers=2</c>,
/// docs/decisions/tenant-placement.md): <c>main</c>, the shared apt cluster on 5432, and <c>pg2</c>, a cluster of this
/// run's own on a free port (created with <c>pg_createcluster</c>, dropped at the end, as the disruption fixture does),
/// so concurrent runs never share it. Started once for the tests of the <see cref="TenantServersCollection"/>.
/// </summary>
public sealed class TenantServersFixture : PlatformFixture
{
    public const string Second = "pg2";

    private readonly OwnPostgresCluster _second = new(FreePort());

    public int SecondPort => _second.Port;

    protected override IEnumerable<string> AppHostArguments =>
        ["--Platform:TenantServers=2", $"--DevServers:TenantServerPorts:{Second}={SecondPort}"];

    public override async Task InitializeAsync()
    {
        await _second.CreateAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await _second.DropAsync();
        }
    }

    /// <summary>A superuser connection string for <paramref name="database"/> on tenant server <paramref name="server"/>.</summary>
    public async Task<string> ServerDatabaseAsync(string server, string database)
    {
        var superuser = await GetConnectionStringAsync(server == "main" ? "postgres" : $"postgres-{server}")
                        ?? throw new InvalidOperationException($"no connection string for tenant server {server}");
        return new NpgsqlConnectionStringBuilder(superuser) { Database = database, Pooling = false }.ConnectionString;
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TenantServersCollection : ICollectionFixture<TenantServersFixture>
{
    public const string Name = "tenant-servers";
}
