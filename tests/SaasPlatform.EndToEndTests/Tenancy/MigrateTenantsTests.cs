using System.Net.Http.Json;
using System.Text.Json;
using Xunit.Abstractions;

namespace SaasPlatform.EndToEndTests.Tenancy;

/// <summary>
/// The <c>migrate-tenants</c> command, run as a process against the test PostgreSQL, over tenants at different schema
/// versions, one of them made to fail; and the health check that reports tenants behind.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class MigrateTenantsTests(PlatformFixture platform, ITestOutputHelper output)
{
    private readonly HttpClient _gateway = platform.CreateGatewayClient();

    [Fact]
    public async Task Migrates_older_tenants_reports_the_failing_one_and_dry_run_changes_nothing()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var old = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken, "Migrate Old");
        var current = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken, "Migrate Current");
        var broken = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken, "Migrate Broken");
        var tenants = new[] { old, current, broken };
        try
        {
            var oldDb = old.GetProperty("database_name").GetString()!;
            var brokenDb = broken.GetProperty("database_name").GetString()!;
            var migrations = await MigrationsAsync(current.GetProperty("database_name").GetString()!);
            Assert.True(migrations.Count >= 2, "expected at least two tenant migrations");
            var outbox = migrations.Single(m => m.EndsWith("_AddTenantOutbox", StringComparison.Ordinal));
            var previous = migrations[migrations.IndexOf(outbox) - 1];

            // "old" is a tenant that missed AddTenantOutbox (later migrations applied): no table, no history row, and
            // tenancydb knows it.
            await TenancyApi.ExecuteAsync(platform, oldDb, $"DROP TABLE outbox_messages; DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = '{outbox}'");
            await TenancyApi.ExecuteAsync(platform, "tenancydb", $"UPDATE tenants SET schema_version = '{previous}' WHERE id = '{old.GetProperty("id").GetGuid()}'");
            // "broken" claims the older version but already has the table: applying AddTenantOutbox fails there.
            await TenancyApi.ExecuteAsync(platform, brokenDb, $"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = '{outbox}'");

            var ids = tenants.SelectMany(t => new[] { "--tenant-id", t.GetProperty("id").GetGuid().ToString() }).ToList();

            // The health check notices the tenant behind (from tenancydb alone).
            Assert.True(await TenantMigrationsCheckAsync(c => c.GetProperty("status").GetString() == "degraded"), "health did not report pending tenant migrations");

            var dryRun = await TenancyCommand.RunAsync(platform, ["migrate-tenants", "--dry-run", .. ids]);
            output.WriteLine(dryRun.Output);
            Assert.Equal(0, dryRun.ExitCode);
            Assert.Contains("2 would migrate", dryRun.Output, StringComparison.Ordinal);
            Assert.Contains("1 up to date", dryRun.Output, StringComparison.Ordinal);
            Assert.False(await TableExistsAsync(oldDb, "outbox_messages"));
            Assert.Equal(migrations.Count - 1, (await MigrationsAsync(oldDb)).Count);

            var run = await TenancyCommand.RunAsync(platform, ["migrate-tenants", "--parallelism", "2", .. ids]);
            output.WriteLine(run.Output);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("1 migrated, 1 up to date", run.Output, StringComparison.Ordinal);
            Assert.Contains("1 failed", run.Output, StringComparison.Ordinal);
            Assert.Contains($"FAILED tenant {broken.GetProperty("id").GetGuid()}", run.Output, StringComparison.Ordinal);
            Assert.True(await TableExistsAsync(oldDb, "outbox_messages"));
            Assert.Equal(migrations, await MigrationsAsync(oldDb));
            Assert.Equal(migrations[^1], await TenancyApi.ScalarAsync<string>(platform, "tenancydb",
                "SELECT schema_version FROM tenants WHERE id = @p0", old.GetProperty("id").GetGuid()));

            var history = await TenancyCommand.RunAsync(platform, ["migrate-tenants", "--history", "--tenant-id", old.GetProperty("id").GetGuid().ToString()]);
            output.WriteLine(history.Output);
            Assert.Equal(0, history.ExitCode);
            Assert.All(migrations, m => Assert.Contains($"applied {m}", history.Output, StringComparison.Ordinal));

            var unknown = await TenancyCommand.RunAsync(platform, ["migrate-tenants", "--tenant-id", Guid.NewGuid().ToString()]);
            Assert.Equal(1, unknown.ExitCode);
            Assert.Contains("not found", unknown.Output, StringComparison.Ordinal);
        }
        finally
        {
            foreach (var tenant in tenants)
            {
                await TenancyApi.PurgeTenantAsync(platform, tenant.GetProperty("id").GetGuid(), tenant.GetProperty("database_name").GetString()!);
            }
        }

        Assert.True(await TenantMigrationsCheckAsync(c => c.GetProperty("status").GetString() == "healthy"), "health still reports pending tenant migrations");
    }

    [Fact]
    public async Task Never_recreates_a_missing_tenant_database_and_leaves_deleted_tenants_alone()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var lost = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken, "Migrate Lost");
        var deleted = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken, "Migrate Deleted");
        var lostDb = lost.GetProperty("database_name").GetString()!;
        var deletedDb = deleted.GetProperty("database_name").GetString()!;
        try
        {
            using (var delete = await TenancyApi.SendAsync(_gateway, HttpMethod.Delete, $"/api/tenants/{deleted.GetProperty("id").GetGuid()}", admin.AccessToken))
            {
                Assert.True(delete.IsSuccessStatusCode, $"delete: {(int)delete.StatusCode}");
            }

            // An active record whose database is gone (an operator's mistake, a partial restore), and a deleted tenant's.
            await TenancyApi.ExecuteAsync(platform, "postgres", $"DROP DATABASE IF EXISTS \"{lostDb}\" WITH (FORCE)");
            await TenancyApi.ExecuteAsync(platform, "postgres", $"DROP DATABASE IF EXISTS \"{deletedDb}\" WITH (FORCE)");

            var run = await TenancyCommand.RunAsync(platform, ["migrate-tenants", "--tenant-id", lost.GetProperty("id").GetGuid().ToString()]);
            output.WriteLine(run.Output);
            Assert.Equal(1, run.ExitCode);
            Assert.Contains("does not exist", run.Output, StringComparison.Ordinal);
            Assert.False(await TenancyApi.DatabaseExistsAsync(platform, lostDb), "migrate-tenants created the missing database");

            var gone = await TenancyCommand.RunAsync(platform, ["migrate-tenants", "--tenant-id", deleted.GetProperty("id").GetGuid().ToString()]);
            output.WriteLine(gone.Output);
            Assert.Equal(1, gone.ExitCode);
            Assert.Contains("not found", gone.Output, StringComparison.Ordinal);
            Assert.False(await TenancyApi.DatabaseExistsAsync(platform, deletedDb), "migrate-tenants created a deleted tenant's database");
        }
        finally
        {
            await TenancyApi.PurgeTenantAsync(platform, lost.GetProperty("id").GetGuid(), lostDb);
            await TenancyApi.PurgeTenantAsync(platform, deleted.GetProperty("id").GetGuid(), deletedDb);
        }
    }

    private async Task<List<string>> MigrationsAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(await TenancyApi.DatabaseAsync(platform, database));
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY 1", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var ids = new List<string>();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    private Task<bool> TableExistsAsync(string database, string table) =>
        TenancyApi.ScalarAsync<bool>(platform, database,
            "SELECT EXISTS (SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = @p0)", table);

    /// <summary>Polls Tenancy.Api's /health until the tenant-migrations check satisfies <paramref name="condition"/>.</summary>
    private async Task<bool> TenantMigrationsCheckAsync(Func<JsonElement, bool> condition)
    {
        using var tenancy = platform.CreateDirectClient("tenancy-api");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            using var response = await tenancy.GetAsync(new Uri("/health", UriKind.Relative));
            var check = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks").GetProperty("tenant-migrations");
            if (condition(check))
            {
                return true;
            }

            await Task.Delay(500);
        }

        return false;
    }
}
