using Npgsql;

namespace SaasPlatform.Bench;

/// <summary>
/// What the benchmark created and removes at the end: its tenants (soft-deleted through the API, then their databases
/// dropped, about 7 MB each) and its own scratch databases.
/// </summary>
public sealed class Cleanup
{
    private readonly List<(string Token, Guid TenantId, string DatabaseName)> _tenants = [];

    public void AddTenant(string token, Guid tenantId, string databaseName)
    {
        lock (_tenants)
        {
            _tenants.Add((token, tenantId, databaseName));
        }
    }

    public async Task RunAsync(BenchOptions options)
    {
        if (_tenants.Count == 0)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        using var api = PlatformApi.Create(options.Gateway, TimeSpan.FromSeconds(30));
        var deleted = 0;
        foreach (var (token, tenantId, _) in _tenants)
        {
            try
            {
                await api.DeleteTenantAsync(token, tenantId, timeout.Token);
                deleted++;
            }
            catch (Exception ex) when (ex is BenchSkipException or HttpRequestException or OperationCanceledException)
            {
                // Tokens may have expired or DELETE may not exist yet; the databases are dropped below regardless.
            }
        }

        var dropped = 0;
        if (options.Postgres is not null)
        {
            await using var dataSource = NpgsqlDataSource.Create(options.Postgres);
            foreach (var (_, _, databaseName) in _tenants)
            {
                // Only what this benchmark created (tenant names start with "bench").
                if (!databaseName.StartsWith("tenant_bench", StringComparison.Ordinal))
                {
                    continue;
                }

                try
                {
                    await using var drop = dataSource.CreateCommand($"DROP DATABASE IF EXISTS \"{databaseName}\" WITH (FORCE)");
                    await drop.ExecuteNonQueryAsync(timeout.Token);
                    dropped++;
                }
                catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
                {
                    BenchLog.Write($"cleanup: could not drop {databaseName}: {ex.Message}");
                }
            }
        }

        BenchLog.Write($"cleanup: {deleted}/{_tenants.Count} bench tenants deleted through the API, {dropped} databases dropped");
    }
}
