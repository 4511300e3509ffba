using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SaasPlatform.TenancyClient;

namespace SaasPlatform.TenantConnections;

/// <summary>
/// The one registry of tenant connection pools in a process. Each tenant database gets a small pool
/// (<see cref="TenantConnectionOptions.MaxPoolSizePerTenant"/>); at most <see cref="TenantConnectionOptions.MaxOpenDataSources"/>
/// pools exist at once, the least recently used idle one is closed to make room, pools idle for a while are closed by
/// a sweep, and callers wait (bounded) when every pool is busy. So 1000 tenants share a fixed number of connections.
/// A pool is never closed while leased: <see cref="RentAsync(string, CancellationToken)"/> hands out a lease, and tenant contexts hold one until disposed.
/// Pools are keyed by (server, database): a tenant database is opened on the server its tenant record names
/// (<see cref="TenantDatabaseLocator"/>, docs/decisions/tenant-placement.md); the bounds are totals across servers.
/// </summary>
public sealed class TenantDataSources : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Server, string Database), Entry> _entries = [];
    private readonly TenantServers _servers;
    private readonly TenantDatabaseLocator _locator;
    private readonly TenantConnectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _sweeper;
    private readonly Meter _meter = new(SweepMetrics.MeterName);
    private readonly Counter<long> _evictions;
    private readonly Counter<long> _slotWaits;
    private TaskCompletionSource _slotFreed = NewSignal();
    private bool _disposed;

    /// <summary>One server (<see cref="TenantServers.Main"/>) holding every tenant database.</summary>
    public TenantDataSources(string serverConnectionString, TenantConnectionOptions options, TimeProvider time, ILogger<TenantDataSources>? logger = null)
        : this(TenantServers.Single(serverConnectionString), new TenantDatabaseLocator(singleServer: true), options, time, logger)
    {
    }

    public TenantDataSources(TenantServers servers, TenantDatabaseLocator locator, TenantConnectionOptions options, TimeProvider time,
        ILogger<TenantDataSources>? logger = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxOpenDataSources, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxPoolSizePerTenant, 1);
        _servers = servers;
        _locator = locator;
        _options = options;
        _time = time;
        _logger = logger ?? NullLogger<TenantDataSources>.Instance;
        var sweepEvery = TimeSpan.FromTicks(Math.Clamp(options.IdleDataSourceTimeout.Ticks / 2, TimeSpan.TicksPerSecond, TimeSpan.TicksPerSecond * 30));
        _sweeper = time.CreateTimer(_ => SweepIdle(), null, sweepEvery, sweepEvery);

        // The registry's own pool metrics, with no tenant in them: Npgsql's per-data-source metrics would be a series
        // per tenant database (docs/decisions/telemetry-cardinality.md).
        _meter.CreateObservableGauge("saasplatform.tenant_pools.open", () => OpenCount, "{pool}", "Tenant connection pools open (leased or idle)");
        _meter.CreateObservableGauge("saasplatform.tenant_pools.leased", LeasedCount, "{pool}", "Tenant connection pools in use right now");
        _meter.CreateObservableGauge("saasplatform.tenant_pools.max_connections", () => MaxConnections, "{connection}", "The most connections the registry may hold to tenant databases");
        _evictions = _meter.CreateCounter<long>("saasplatform.tenant_pools.evictions", "{pool}", "Idle tenant pools closed to make room for another tenant");
        _slotWaits = _meter.CreateCounter<long>("saasplatform.tenant_pools.slot_waits", "{wait}", "Times a caller waited because every tenant pool was leased");
    }

    /// <summary>Tenant pools open right now (leased or idle).</summary>
    public int OpenCount
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    private int LeasedCount()
    {
        lock (_lock)
        {
            return _entries.Values.Count(e => e.Leases > 0);
        }
    }

    /// <summary>The most connections this registry can hold to tenant databases at once.</summary>
    public int MaxConnections => _options.MaxOpenDataSources * _options.MaxPoolSizePerTenant;

    /// <summary>
    /// Connection string for one tenant database on the server known to hold it (main with one server; otherwise it
    /// must have been located already, e.g. listed by <see cref="TenantDatabaseCatalog"/>), pooled with the tenant bounds.
    /// </summary>
    public string BuildConnectionString(string databaseName, bool pooling = true) =>
        BuildConnectionString(KnownServer(databaseName), databaseName, pooling);

    /// <summary>Connection string for one tenant database on <paramref name="server"/>, pooled with the tenant bounds.</summary>
    public string BuildConnectionString(string server, string databaseName, bool pooling = true)
    {
        var builder = new NpgsqlConnectionStringBuilder(_servers.ConnectionString(server))
        {
            Database = TenantDatabaseName.Ensure(databaseName),
            Pooling = pooling,
        };
        if (pooling)
        {
            builder.MinPoolSize = 0;
            builder.MaxPoolSize = _options.MaxPoolSizePerTenant;
            builder.ConnectionIdleLifetime = (int)Math.Max(1, _options.ConnectionIdleLifetime.TotalSeconds);
            builder.ConnectionPruningInterval = Math.Min(10, builder.ConnectionIdleLifetime);
            // A burst on one tenant queues for its few connections: wait as long as for a pool slot, not Npgsql's 15 s.
            builder.Timeout = (int)Math.Clamp(_options.AcquireTimeout.TotalSeconds, 1, 1024);
        }

        return builder.ConnectionString;
    }

    /// <summary>Leases the pool of one tenant database on its server; dispose the lease when done with its connections.</summary>
    public async Task<TenantDataSourceLease> RentAsync(string databaseName, CancellationToken cancellationToken = default)
    {
        TenantDatabaseName.Ensure(databaseName);
        return await RentAsync(await _locator.LocateAsync(databaseName, cancellationToken), databaseName, cancellationToken);
    }

    /// <summary>Leases the pool of one tenant database on <paramref name="server"/>.</summary>
    public async Task<TenantDataSourceLease> RentAsync(string server, string databaseName, CancellationToken cancellationToken = default)
    {
        TenantDatabaseName.Ensure(databaseName);
        var key = (server, databaseName);
        using var deadline = new CancellationTokenSource(_options.AcquireTimeout, _time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        while (true)
        {
            NpgsqlDataSource? evicted = null;
            TenantDataSourceLease? lease = null;
            Task waitFor;
            lock (_lock)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var now = _time.GetTimestamp();
                if (_entries.TryGetValue(key, out var entry))
                {
                    entry.Leases++;
                    entry.LastUsed = now;
                    return new TenantDataSourceLease(this, entry);
                }

                if (_entries.Count >= _options.MaxOpenDataSources)
                {
                    var victim = _entries.Values.Where(e => e.Leases == 0).MinBy(e => e.LastUsed);
                    if (victim is not null)
                    {
                        _entries.Remove(victim.Key);
                        evicted = victim.DataSource;
                        _evictions.Add(1);
                    }
                }

                if (_entries.Count < _options.MaxOpenDataSources)
                {
                    entry = new Entry(key, NpgsqlDataSource.Create(BuildConnectionString(server, databaseName))) { Leases = 1, LastUsed = now };
                    _entries.Add(key, entry);
                    lease = new TenantDataSourceLease(this, entry);
                }

                waitFor = _slotFreed.Task;
            }

            if (lease is not null)
            {
                DisposeQuietly(evicted);
                return lease;
            }

            // Every pool is leased: wait until one is returned (or time out) rather than exceed the bound.
            _slotWaits.Add(1);
            try
            {
                await waitFor.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(
                    $"No tenant connection pool became free within {_options.AcquireTimeout} ({_options.MaxOpenDataSources} pools, all busy)");
            }
        }
    }

    /// <summary>The server of a database located already (always main with one server); throws when not yet known.</summary>
    private string KnownServer(string databaseName) =>
        _locator.TryLocate(databaseName, out var server)
            ? server
            : throw new InvalidOperationException($"The server of tenant database '{databaseName}' is not known yet; locate it first (RentAsync)");

    /// <summary>Closes pools idle for longer than the timeout. Runs on a timer; public for tests.</summary>
    public void SweepIdle()
    {
        List<NpgsqlDataSource> closed = [];
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            foreach (var entry in _entries.Values.Where(e => e.Leases == 0 && _time.GetElapsedTime(e.LastUsed, now) >= _options.IdleDataSourceTimeout).ToList())
            {
                _entries.Remove(entry.Key);
                closed.Add(entry.DataSource);
            }

            if (closed.Count > 0)
            {
                SignalSlotFreed();
            }
        }

        foreach (var dataSource in closed)
        {
            DisposeQuietly(dataSource);
        }

        if (closed.Count > 0)
        {
            _logger.LogDebug("Closed {Count} idle tenant connection pools", closed.Count);
        }
    }

    /// <summary>Closes the pool of one database now (before it is dropped, for instance), on any server; waits for no lease.</summary>
    public void Evict(string databaseName)
    {
        List<NpgsqlDataSource> closed = [];
        lock (_lock)
        {
            foreach (var key in _entries.Keys.Where(k => k.Database == databaseName).ToList())
            {
                _entries.Remove(key, out var entry);
                entry!.Retired = true;
                if (entry.Leases == 0)
                {
                    closed.Add(entry.DataSource);
                }

                SignalSlotFreed();
            }
        }

        foreach (var dataSource in closed)
        {
            DisposeQuietly(dataSource);
        }
    }

    public void Dispose()
    {
        List<Entry> entries;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            entries = [.. _entries.Values];
            _entries.Clear();
        }

        _sweeper.Dispose();
        _meter.Dispose();
        foreach (var entry in entries)
        {
            DisposeQuietly(entry.DataSource);
        }
    }

    internal void Return(Entry entry)
    {
        NpgsqlDataSource? retired = null;
        lock (_lock)
        {
            entry.Leases--;
            entry.LastUsed = _time.GetTimestamp();
            if (entry.Retired && entry.Leases == 0)
            {
                retired = entry.DataSource;
            }

            if (entry.Leases == 0)
            {
                SignalSlotFreed();
            }
        }

        DisposeQuietly(retired);
    }

    private void SignalSlotFreed()
    {
        var signal = _slotFreed;
        _slotFreed = NewSignal();
        signal.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void DisposeQuietly(NpgsqlDataSource? dataSource)
    {
        if (dataSource is null)
        {
            return;
        }

        try
        {
            dataSource.Dispose();
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Closing a tenant connection pool failed");
        }
    }

    internal sealed class Entry((string Server, string Database) key, NpgsqlDataSource dataSource)
    {
        public (string Server, string Database) Key { get; } = key;

        public NpgsqlDataSource DataSource { get; } = dataSource;

        public int Leases { get; set; }

        public long LastUsed { get; set; }

        public bool Retired { get; set; }
    }
}

/// <summary>Use of one tenant's pool; while any lease is live the pool is neither evicted nor closed.</summary>
public sealed class TenantDataSourceLease : IDisposable
{
    private readonly TenantDataSources _owner;
    private readonly TenantDataSources.Entry _entry;
    private int _disposed;

    internal TenantDataSourceLease(TenantDataSources owner, TenantDataSources.Entry entry) => (_owner, _entry) = (owner, entry);

    public string DatabaseName => _entry.Key.Database;

    /// <summary>The tenant server the database is on.</summary>
    public string Server => _entry.Key.Server;

    public NpgsqlDataSource DataSource => _entry.DataSource;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owner.Return(_entry);
        }
    }
}
