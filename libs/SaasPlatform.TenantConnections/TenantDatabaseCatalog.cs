using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using Npgsql;
using SaasPlatform.ServiceDefaults;
using SaasPlatform.TenancyClient;

namespace SaasPlatform.TenantConnections;

/// <summary>
/// The tenant databases of this platform: the ones Tenancy.Api has recorded (<c>GET /internal/tenant-databases</c>),
/// active tenant or not (a deactivated tenant's outbox and orphaned files still need handling), that exist on the
/// server their record names and accept connections there. Starting from the record, not from every database on a
/// server named like a tenant's, keeps a job away from databases another platform sharing the server owns. Each listed
/// database's server is noted in the <see cref="TenantDatabaseLocator"/>, so a job opens it on the right server
/// (docs/decisions/tenant-placement.md). Periodic jobs do not walk it: they visit the databases that have work
/// (<see cref="TenantWorkSchedule"/>); only their one recovery pass at start-up does, paced (<see cref="WalkAsync"/>).
/// Opens no tenant pool.
/// </summary>
public sealed class TenantDatabaseCatalog(
    TenantServers servers, TenantDatabaseLocator locator, IHttpClientFactory httpClientFactory, IOptions<TenantAccessOptions> options)
{
    private const string Query =
        "SELECT datname FROM pg_database WHERE datname = ANY(@names) AND NOT datistemplate AND datallowconn ORDER BY datname";

    /// <summary>
    /// Names of this platform's tenant databases, on every configured server, in name order. Databases recorded on a
    /// server this service has no connection string for are left out (a configuration fault the access path reports).
    /// </summary>
    public async Task<List<string>> ListAsync(CancellationToken cancellationToken)
    {
        using var http = httpClientFactory.CreateClient(nameof(TenantDatabaseCatalog));
        var recorded = await http.GetFromJsonAsync<List<TenantDatabaseLocation>>(
                           new Uri(options.Value.TenancyBaseAddress, PlatformServices.Routes.TenantDatabases), Microsoft.Extensions.Hosting.Extensions.WireJson,
                           cancellationToken)
                       ?? [];
        var existing = new List<string>(recorded.Count);
        foreach (var onServer in recorded
                     .Where(r => TenantDatabaseName.IsValid(r.DatabaseName) && servers.Contains(r.Server))
                     .GroupBy(r => r.Server))
        {
            var names = onServer.Select(r => r.DatabaseName).ToArray();
            foreach (var name in names)
            {
                locator.Record(name, onServer.Key);
            }

            await using var connection = new NpgsqlConnection(servers.ConnectionString(onServer.Key));
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand(Query, connection);
            command.Parameters.AddWithValue("names", names);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                existing.Add(reader.GetString(0));
            }
        }

        existing.Sort(StringComparer.Ordinal);
        return existing;
    }

    /// <summary>
    /// A background job's recovery pass: <paramref name="visit"/> for every tenant database once, paced
    /// (<see cref="WalkAsync"/>). When the list cannot be read (Tenancy.Api or the server not up yet) or breaks off, it
    /// tries again after <paramref name="retryDelay"/>, skipping databases already visited, until it completes or stops.
    /// Returns how many databases were visited.
    /// </summary>
    public async Task<int> RecoveryPassAsync(TimeSpan pause, TimeSpan retryDelay, TimeProvider time,
        Func<string, CancellationToken, Task> visit, Action<Exception, int> onFailure, CancellationToken cancellationToken)
    {
        var visited = new HashSet<string>(StringComparer.Ordinal);
        while (true)
        {
            try
            {
                await foreach (var database in WalkAsync(pause, time, cancellationToken))
                {
                    if (visited.Add(database))
                    {
                        await visit(database, cancellationToken);
                    }
                }

                return visited.Count;
            }
            catch (Exception e) when (e is HttpRequestException or NpgsqlException or TimeoutException
                                          or TaskCanceledException { CancellationToken.IsCancellationRequested: false })
            {
                onFailure(e, visited.Count);
                await Task.Delay(retryDelay, time, cancellationToken);
            }
        }
    }

    /// <summary>
    /// Every tenant database, one at a time with <paramref name="pause"/> between them, so a pass over thousands of
    /// databases (a job's recovery pass at start-up) spreads its connections and queries instead of competing with
    /// live traffic. The list is read once, at the start.
    /// </summary>
    public async IAsyncEnumerable<string> WalkAsync(TimeSpan pause, TimeProvider time,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var first = true;
        foreach (var name in await ListAsync(cancellationToken))
        {
            if (!first && pause > TimeSpan.Zero)
            {
                await Task.Delay(pause, time, cancellationToken);
            }

            first = false;
            yield return name;
        }
    }
}
