using Microsoft.Extensions.Time.Testing;
using Npgsql;
using SaasPlatform.TenantConnections;
using SaasPlatform.TenantSchema;

namespace SaasPlatform.UnitTests.TenantConnections;

/// <summary>The registry's bounds: pools are created lazily (no server needed), so its bookkeeping is testable here.</summary>
public sealed class TenantDataSourcesTests : IDisposable
{
    private const string Server = "Host=127.0.0.1;Port=5432;Username=postgres;Password=x";
    private readonly FakeTimeProvider _time = new();
    private readonly TenantDataSources _registry;

    public TenantDataSourcesTests() =>
        _registry = new TenantDataSources(Server, new TenantConnectionOptions
        {
            MaxOpenDataSources = 3,
            MaxPoolSizePerTenant = 2,
            IdleDataSourceTimeout = TimeSpan.FromMinutes(2),
            AcquireTimeout = TimeSpan.FromMilliseconds(300),
        }, _time);

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Each_tenant_pool_is_small_and_targets_its_database()
    {
        using var lease = await _registry.RentAsync("tenant_acme_1a2b3c4d");

        var settings = new NpgsqlConnectionStringBuilder(lease.DataSource.ConnectionString);
        Assert.Equal("tenant_acme_1a2b3c4d", settings.Database);
        Assert.Equal(2, settings.MaxPoolSize);
        Assert.Equal(0, settings.MinPoolSize);
        Assert.Equal(1, settings.Timeout); // waits for a connection as long as for a pool slot (300 ms), at least 1 s
        Assert.Equal(6, _registry.MaxConnections);
    }

    [Fact]
    public void Warming_up_builds_the_model_without_reaching_any_server()
    {
        using var unreachable = new TenantDataSources("Host=server.invalid;Username=nobody", new TenantConnectionOptions(), _time);

        new TenantDbContextFactory(unreachable, [], _time).WarmUp();

        Assert.Equal(0, unreachable.OpenCount);
    }

    [Fact]
    public async Task The_same_tenant_shares_one_pool()
    {
        using var first = await _registry.RentAsync("tenant_a_00000001");
        using var second = await _registry.RentAsync("tenant_a_00000001");

        Assert.Same(first.DataSource, second.DataSource);
        Assert.Equal(1, _registry.OpenCount);
    }

    [Fact]
    public async Task Many_tenants_never_exceed_the_pool_cap_and_the_least_recently_used_idle_pool_goes()
    {
        for (var i = 0; i < 50; i++)
        {
            using var lease = await _registry.RentAsync($"tenant_t{i}_00000000");
            _time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.True(_registry.OpenCount <= 3);
        }

        Assert.Equal(3, _registry.OpenCount);

        // t47 is now the least recently used: touching t48/t49 and adding a new one must evict t47, not t48.
        NpgsqlDataSource t48;
        using (var lease = await _registry.RentAsync("tenant_t48_00000000"))
        {
            t48 = lease.DataSource;
        }

        _time.Advance(TimeSpan.FromMilliseconds(1));
        using (await _registry.RentAsync("tenant_new_00000000"))
        {
        }

        using var again = await _registry.RentAsync("tenant_t48_00000000");
        Assert.Same(t48, again.DataSource);
        Assert.Equal(3, _registry.OpenCount);
    }

    [Fact]
    public async Task A_leased_pool_is_never_evicted_and_a_caller_waits_for_a_free_slot()
    {
        var a = await _registry.RentAsync("tenant_a_00000001");
        var b = await _registry.RentAsync("tenant_b_00000001");
        var c = await _registry.RentAsync("tenant_c_00000001");

        var waiting = _registry.RentAsync("tenant_d_00000001");
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        Assert.Equal(3, _registry.OpenCount);

        b.Dispose();
        using var d = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal("tenant_d_00000001", d.DatabaseName);
        Assert.Equal(3, _registry.OpenCount);

        // a and c were leased the whole time, so they are still the same pools.
        using var a2 = await _registry.RentAsync("tenant_a_00000001");
        Assert.Same(a.DataSource, a2.DataSource);
        a.Dispose();
        c.Dispose();
    }

    [Fact]
    public async Task When_every_pool_stays_busy_the_caller_times_out_instead_of_exceeding_the_bound()
    {
        using var a = await _registry.RentAsync("tenant_a_00000001");
        using var b = await _registry.RentAsync("tenant_b_00000001");
        using var c = await _registry.RentAsync("tenant_c_00000001");

        var waiting = _registry.RentAsync("tenant_d_00000001");
        _time.Advance(TimeSpan.FromMilliseconds(299));
        await Task.Delay(20);
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<TimeoutException>(() => waiting);
        Assert.Equal(3, _registry.OpenCount);
    }

    [Fact]
    public async Task Idle_pools_are_closed_after_the_idle_timeout_but_leased_ones_stay()
    {
        using (await _registry.RentAsync("tenant_idle_00000001"))
        {
        }

        using var busy = await _registry.RentAsync("tenant_busy_00000001");

        _time.Advance(TimeSpan.FromMinutes(1));
        _registry.SweepIdle();
        Assert.Equal(2, _registry.OpenCount);

        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(1, _registry.OpenCount); // the registry's own timer swept
        using var again = await _registry.RentAsync("tenant_busy_00000001");
        Assert.Same(busy.DataSource, again.DataSource);
    }

    [Theory]
    [InlineData("postgres; DROP DATABASE x")]
    [InlineData("Tenant_Upper")]
    [InlineData("tenant-dash")]
    [InlineData("")]
    [InlineData("tenant_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Names_that_are_not_plain_identifiers_are_refused(string name) =>
        await Assert.ThrowsAsync<ArgumentException>(() => _registry.RentAsync(name));
}
