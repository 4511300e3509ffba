using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SaasPlatform.TenancyClient;
using SaasPlatform.TenantConnections;

namespace SaasPlatform.UnitTests.TenantConnections;

/// <summary>
/// Tenant servers in the connection registry (docs/decisions/tenant-placement.md): which servers configuration names,
/// how a database's server is found, and pools kept per (server, database). Pools are created lazily, so no server is needed.
/// </summary>
public sealed class TenantPlacementRegistryTests
{
    private const string Main = "Host=main.test;Port=5432;Username=tenant_data;Password=x";
    private const string Second = "Host=second.test;Port=5433;Username=tenant_data;Password=y";
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Servers_are_main_from_the_existing_setting_and_one_per_tenants_connection_string()
    {
        var single = TenantServers.FromConfiguration(Configuration(("ConnectionStrings:postgres", Main)), "postgres");
        Assert.True(single.IsSingle);
        Assert.Equal(["main"], single.Names);

        var two = TenantServers.FromConfiguration(Configuration(
            ("ConnectionStrings:postgres", Main), ("ConnectionStrings:tenants-pg2", Second), ("ConnectionStrings:tenancydb", "Host=x")), "postgres");
        Assert.Equal(["main", "pg2"], two.Names);
        Assert.Equal(Second, two.ConnectionString("pg2"));
        Assert.Throws<UnknownTenantServerException>(() => two.ConnectionString("pg3"));

        Assert.Throws<InvalidOperationException>(() => TenantServers.FromConfiguration(Configuration(
            ("ConnectionStrings:postgres", Main), ("ConnectionStrings:tenants-Bad-Name", Second)), "postgres"));
        Assert.Throws<InvalidOperationException>(() => TenantServers.FromConfiguration(Configuration(), "postgres"));
    }

    [Fact]
    public async Task With_one_server_nothing_is_asked()
    {
        var asked = 0;
        var locator = new TenantDatabaseLocator(singleServer: true, (_, _) => { asked++; return Task.FromResult<string?>("pg2"); });

        Assert.Equal("main", await locator.LocateAsync("tenant_a_00000001", CancellationToken.None));
        Assert.Equal(0, asked);
    }

    [Fact]
    public async Task A_database_known_only_by_name_is_looked_up_once_and_an_unrecorded_one_is_looked_for_on_main()
    {
        var asked = new List<string>();
        var locator = new TenantDatabaseLocator(singleServer: false, (database, _) =>
        {
            asked.Add(database);
            return Task.FromResult(database == "tenant_b_00000001" ? "pg2" : null);
        });
        locator.Record("tenant_a_00000001", "pg2");

        Assert.Equal("pg2", await locator.LocateAsync("tenant_a_00000001", CancellationToken.None));
        Assert.Equal("pg2", await locator.LocateAsync("tenant_b_00000001", CancellationToken.None));
        Assert.Equal("pg2", await locator.LocateAsync("tenant_b_00000001", CancellationToken.None));
        Assert.Equal("main", await locator.LocateAsync("tenant_gone_00000001", CancellationToken.None));
        Assert.Equal(["tenant_b_00000001", "tenant_gone_00000001"], asked);
        Assert.False(locator.TryLocate("tenant_gone_00000001", out _));
    }

    [Fact]
    public async Task Pools_are_per_server_and_database_and_open_on_the_recorded_server()
    {
        var locator = new TenantDatabaseLocator(singleServer: false);
        locator.Record("tenant_b_00000001", "pg2");
        using var registry = new TenantDataSources(TwoServers(), locator, new TenantConnectionOptions { MaxOpenDataSources = 4 }, _time);

        using (var onSecond = await registry.RentAsync("tenant_b_00000001"))
        using (var onMain = await registry.RentAsync("tenant_a_00000001"))
        using (var explicitly = await registry.RentAsync("pg2", "tenant_a_00000001"))
        {
            Assert.Equal("second.test", new NpgsqlConnectionStringBuilder(onSecond.DataSource.ConnectionString).Host);
            Assert.Equal("pg2", onSecond.Server);
            Assert.Equal("main.test", new NpgsqlConnectionStringBuilder(onMain.DataSource.ConnectionString).Host);
            Assert.Equal("second.test", new NpgsqlConnectionStringBuilder(explicitly.DataSource.ConnectionString).Host);
            Assert.Equal(3, registry.OpenCount);
            Assert.Equal("second.test", new NpgsqlConnectionStringBuilder(registry.BuildConnectionString("tenant_b_00000001", pooling: false)).Host);
        }

        // Forgetting a database closes its pools on every server; a database never located cannot be addressed blindly.
        registry.Evict("tenant_a_00000001");
        Assert.Equal(1, registry.OpenCount);
        Assert.Throws<InvalidOperationException>(() => registry.BuildConnectionString("tenant_c_00000001"));
        await Assert.ThrowsAsync<UnknownTenantServerException>(() => registry.RentAsync("pg9", "tenant_a_00000001"));
    }

    private static TenantServers TwoServers() => new(new Dictionary<string, string> { ["main"] = Main, ["pg2"] = Second });

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();
}
