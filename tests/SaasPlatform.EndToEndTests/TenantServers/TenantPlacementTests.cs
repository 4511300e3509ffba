using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using SaasPlatform.EndToEndTests.Documents;
using SaasPlatform.EndToEndTests.Events;
using SaasPlatform.EndToEndTests.Identity;
using SaasPlatform.EndToEndTests.Tenancy;
using Xunit.Abstractions;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.TenantServers;

/// <summary>
/// Tenant placement on two PostgreSQL servers (docs/decisions/tenant-placement.md): new tenants go to the accepting
/// server with the fewest tenants, and everything that opens a tenant database (documents through the gateway, the
/// worker's event handlers for tenant.created and document.deleted, its start-up sweep, migrate-tenants) finds it on
/// its own server.
/// </summary>
[Collection(TenantServersCollection.Name)]
public sealed class TenantPlacementTests(TenantServersFixture platform, ITestOutputHelper output)
{
    private static readonly string[] Servers = ["main", TenantServersFixture.Second];

    [Fact]
    public async Task New_tenants_go_to_the_accepting_server_with_the_fewest_tenants_and_their_databases_live_there()
    {
        using var gateway = platform.CreateGatewayClient();
        var owner = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("placement"));
        var placed = new List<(Guid Id, string Database, string Server)>();
        for (var i = 0; i < 4; i++)
        {
            var counts = await CountsAsync();
            // Fewest tenants; on a tie main comes first (then the others by name).
            var expected = Servers.OrderBy(s => counts.GetValueOrDefault(s)).First();
            var tenant = await TenancyApi.NewTenantAsync(gateway, owner.AccessToken);
            var id = tenant.GetProperty("id").GetGuid();
            var server = await ServerOfAsync(id);
            Assert.Equal(expected, server);
            placed.Add((id, tenant.GetProperty("database_name").GetString()!, server));
        }

        Assert.Equal(Servers, placed.Select(p => p.Server).Distinct().Order(StringComparer.Ordinal));
        foreach (var (_, database, server) in placed)
        {
            Assert.True(await DatabaseExistsAsync(server, database), $"{database} is not on {server}");
            Assert.False(await DatabaseExistsAsync(Servers.Single(s => s != server), database), $"{database} is also on the other server");
        }

        // The services' list of tenant databases says where each one is.
        using var tenancy = platform.CreateInternalClient("tenancy-api");
        var listed = await tenancy.GetFromJsonAsync<JsonElement>("/internal/tenant-databases");
        foreach (var (_, database, server) in placed)
        {
            Assert.Contains(listed.EnumerateArray(), e => e.GetProperty("database_name").GetString() == database && e.GetProperty("server").GetString() == server);
        }

        // A server closed to new tenants gets none, however few it holds.
        var now = await CountsAsync();
        var fewest = Servers.OrderBy(s => now.GetValueOrDefault(s)).First();
        await SetAcceptingAsync(fewest, false);
        try
        {
            var tenant = await TenancyApi.NewTenantAsync(gateway, owner.AccessToken);
            Assert.NotEqual(fewest, await ServerOfAsync(tenant.GetProperty("id").GetGuid()));

            // With every server closed, creation is refused (retry later), and no tenant row is left behind.
            var before = (await CountsAsync()).Values.Sum();
            await SetAcceptingAsync(Servers.Single(s => s != fewest), false);
            using var refused = await TenancyApi.CreateTenantAsync(gateway, owner.AccessToken, $"Refused {Guid.NewGuid():N}");
            await AuthApi.AssertErrorAsync(refused, HttpStatusCode.ServiceUnavailable, "service_unavailable");
            Assert.Equal(before, (await CountsAsync()).Values.Sum());
        }
        finally
        {
            foreach (var server in Servers)
            {
                await SetAcceptingAsync(server, true);
            }
        }
    }

    [Fact]
    public async Task Documents_events_and_orphan_collection_work_for_a_tenant_on_each_server()
    {
        using var gateway = platform.CreateGatewayClient();
        await using var events = await EventsDatabase.OpenAsync(platform);
        foreach (var server in Servers)
        {
            var world = await WorldOnAsync(gateway, server);

            // Upload, list, download through the gateway: Documents.Api opens the tenant's database on its server.
            var bytes = UniqueBytes(300);
            var uploaded = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, bytes, "scan.pdf", "application/pdf");
            var documentId = uploaded.GetProperty("id").GetGuid();
            var fileId = uploaded.GetProperty("file_id").GetGuid();
            var key = uploaded.GetProperty("file").GetProperty("s3_path").GetString()!;
            var list = await GetDataAsync(gateway, world.Documents, world.Viewer.AccessToken);
            Assert.Contains(list.GetProperty("documents").EnumerateArray(), d => d.GetProperty("id").GetGuid() == documentId);
            using (var download = await SendAsync(gateway, HttpMethod.Get, $"{world.Documents}/{documentId}/download", world.Viewer.AccessToken))
            {
                Assert.Equal(HttpStatusCode.OK, download.StatusCode);
                Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
            }

            Assert.Equal(1L, await TenantScalarAsync<long>(server, world.DatabaseName, "SELECT count(*) FROM files WHERE id = @p0", fileId));

            // The worker handles tenant.created against the right server: it found the new database there, at the current
            // schema (on the wrong server it would record "database missing").
            Assert.True(await EventuallyAsync(TimeSpan.FromSeconds(30), async () => await events.CountAsync(
                    "SELECT count(*) FROM inbox_events WHERE tenant_id = @t AND handler LIKE '%VerifyTenantDatabase' AND outcome = 'handled' AND detail LIKE 'schema current:%'",
                    ("t", world.TenantId)) == 1),
                $"{server}: the worker did not verify {world.DatabaseName} on its server");

            // Deleting the only document orphans the file; the worker collects it there after the grace period (3 s).
            using (var delete = await SendAsync(gateway, HttpMethod.Delete, $"{world.Documents}/{documentId}", world.User.AccessToken))
            {
                Assert.True((await delete.JsonAsync()).GetProperty("data").GetProperty("file_orphaned").GetBoolean());
            }

            Assert.True(await EventuallyAsync(TimeSpan.FromSeconds(30), async () =>
                await TenantScalarAsync<long>(server, world.DatabaseName, "SELECT count(*) FROM files WHERE id = @p0", fileId) == 0),
                $"{server}: the orphan was not collected");
            Assert.False(await ObjectExistsAsync(platform, key));
        }
    }

    [Fact]
    public async Task The_restarted_workers_sweep_and_migrate_tenants_cover_the_databases_of_both_servers()
    {
        using var gateway = platform.CreateGatewayClient();
        var worlds = new List<(string Server, DocumentWorld World, Guid FileId, string Key)>();
        foreach (var server in Servers)
        {
            var world = await WorldOnAsync(gateway, server);
            // An orphan no event announces (its mark set long ago, as after a crash): only the worker's sweep finds it.
            var uploaded = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, UniqueText(), "lost.txt", "text/plain");
            worlds.Add((server, world, uploaded.GetProperty("file_id").GetGuid(), uploaded.GetProperty("file").GetProperty("s3_path").GetString()!));
        }

        await ResourceRestarts.KillAsync(platform, "events-worker", "Events.Worker", output);
        foreach (var (server, world, fileId, _) in worlds)
        {
            await TenantExecuteAsync(server, world.DatabaseName,
                "DELETE FROM documents WHERE file_id = @p0; UPDATE files SET orphaned_at = now() - interval '1 hour' WHERE id = @p0", fileId);
        }

        await ResourceRestarts.StartAsync(platform, "events-worker", output);
        foreach (var (server, world, fileId, key) in worlds)
        {
            Assert.True(await EventuallyAsync(TimeSpan.FromSeconds(60), async () =>
                await TenantScalarAsync<long>(server, world.DatabaseName, "SELECT count(*) FROM files WHERE id = @p0", fileId) == 0),
                $"{server}: the start-up sweep did not collect the orphan of {world.DatabaseName}");
            Assert.False(await ObjectExistsAsync(platform, key));
        }

        // migrate-tenants reaches every tenant on either server (the provisioner's login on each, as the AppHost passes them).
        var result = await TenancyCommand.RunAsync(platform, ["migrate-tenants"], new Dictionary<string, string>
        {
            [$"ConnectionStrings__tenants-{TenantServersFixture.Second}"] =
                (await platform.GetConnectionStringAsync($"postgres-{TenantServersFixture.Second}-tenant-provisioner"))!,
        });
        output.WriteLine($"migrate-tenants: exit {result.ExitCode} in {result.Elapsed.TotalSeconds:0.0} s");
        Assert.True(result.ExitCode == 0, result.Output);
        foreach (var (_, world, _, _) in worlds)
        {
            Assert.Contains(world.DatabaseName, result.Output, StringComparison.Ordinal);
        }
    }

    /// <summary>A document world whose tenant is on <paramref name="server"/>: the other servers are closed while it is created.</summary>
    private async Task<DocumentWorld> WorldOnAsync(HttpClient gateway, string server)
    {
        await using (var connection = await TenancyDbAsync())
        {
            await using var close = new NpgsqlCommand("UPDATE database_servers SET accepting_tenants = (name = @server)", connection);
            close.Parameters.AddWithValue("server", server);
            await close.ExecuteNonQueryAsync();
        }

        try
        {
            var admin = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("servers-admin"));
            var user = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("servers-user"));
            var viewer = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("servers-viewer"));
            var tenant = await TenancyApi.NewTenantAsync(gateway, admin.AccessToken, $"Servers {Guid.NewGuid():N}");
            var tenantId = tenant.GetProperty("id").GetGuid();
            Assert.Equal(server, await ServerOfAsync(tenantId));
            await TenancyApi.AddMemberAsync(gateway, admin.AccessToken, tenantId, user.UserId, "user");
            await TenancyApi.AddMemberAsync(gateway, admin.AccessToken, tenantId, viewer.UserId, "viewer");
            return new DocumentWorld(tenantId, tenant.GetProperty("database_name").GetString()!, admin, user, viewer, viewer);
        }
        finally
        {
            await using var connection = await TenancyDbAsync();
            await using var open = new NpgsqlCommand("UPDATE database_servers SET accepting_tenants = true", connection);
            await open.ExecuteNonQueryAsync();
        }
    }

    private async Task<Dictionary<string, long>> CountsAsync()
    {
        await using var connection = await TenancyDbAsync();
        await using var command = new NpgsqlCommand("SELECT server, count(*) FROM tenants GROUP BY server", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, long>();
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = reader.GetInt64(1);
        }

        return counts;
    }

    private async Task<string> ServerOfAsync(Guid tenantId) =>
        (await TenancyApi.ScalarAsync<string>(platform, TenancyApi.TenancyDb, "SELECT server FROM tenants WHERE id = @p0", tenantId))!;

    private async Task SetAcceptingAsync(string server, bool accepting)
    {
        await using var connection = await TenancyDbAsync();
        await using var command = new NpgsqlCommand("UPDATE database_servers SET accepting_tenants = @accepting WHERE name = @server", connection);
        command.Parameters.AddWithValue("accepting", accepting);
        command.Parameters.AddWithValue("server", server);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private async Task<NpgsqlConnection> TenancyDbAsync()
    {
        var connection = new NpgsqlConnection(await TenancyApi.DatabaseAsync(platform, TenancyApi.TenancyDb));
        await connection.OpenAsync();
        return connection;
    }

    private async Task<bool> DatabaseExistsAsync(string server, string database) =>
        await TenantScalarAsync<bool>(server, "postgres", "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = @p0)", database);

    private async Task<T?> TenantScalarAsync<T>(string server, string database, string sql, params object[] parameters) =>
        await TenancyApi.ScalarAsync<T>(await platform.ServerDatabaseAsync(server, database), sql, parameters);

    private async Task TenantExecuteAsync(string server, string database, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(await platform.ServerDatabaseAsync(server, database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        for (var i = 0; i < parameters.Length; i++)
        {
            command.Parameters.AddWithValue($"p{i}", parameters[i]);
        }

        await command.ExecuteNonQueryAsync();
    }
}
