using SaasPlatform.EndToEndTests.Tenancy;
using Xunit.Abstractions;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>
/// The tenant migration AddDocumentSearchColumns on a tenant that has documents from before it (built by undoing the
/// migration, as its Down() does): <c>migrate-tenants</c> copies every file's size onto its documents and fills the
/// lower-cased names, and the list then filters and sorts on them (docs/decisions/document-search.md).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class DocumentSearchColumnsMigrationTests(PlatformFixture platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Migrate_tenants_backfills_sizes_and_lowered_names_of_existing_documents()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        try
        {
            var admin = world.Admin.AccessToken;
            var summer = (await UploadOkAsync(gateway, admin, world.TenantId, UniqueBytes(200), "ÉTÉ-Plan.pdf")).GetProperty("id").GetGuid();
            var notes = (await UploadOkAsync(gateway, admin, world.TenantId, UniqueBytes(300), "notes.txt", "text/plain")).GetProperty("id").GetGuid();
            var small = (await UploadOkAsync(gateway, admin, world.TenantId, UniqueBytes(100), "Small-plan.txt", "text/plain")).GetProperty("id").GetGuid();

            var migration = await TenancyApi.ScalarAsync<string>(platform, world.DatabaseName,
                "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" LIKE '%\\_AddDocumentSearchColumns'");
            Assert.NotNull(migration);
            await TenancyApi.ExecuteAsync(platform, world.DatabaseName, $"""
                DROP INDEX ix_documents_file_size;
                DROP INDEX ix_documents_mime_type_file_size;
                DROP INDEX ix_documents_filename_lower_trgm;
                ALTER TABLE documents DROP COLUMN filename_lower;
                ALTER TABLE documents DROP CONSTRAINT ck_documents_file_size_positive;
                ALTER TABLE documents DROP COLUMN file_size;
                CREATE INDEX ix_files_file_size ON files (file_size);
                CREATE INDEX ix_documents_filename_trgm ON documents USING gin (filename gin_trgm_ops);
                DELETE FROM "__EFMigrationsHistory" WHERE "MigrationId" = '{migration}';
                """);

            var run = await TenancyCommand.RunAsync(platform, ["migrate-tenants", "--tenant-id", world.TenantId.ToString()]);
            output.WriteLine(run.Output);
            Assert.Equal(0, run.ExitCode);
            Assert.Contains("1 migrated", run.Output, StringComparison.Ordinal);

            Assert.Equal(3L, await TenantScalarAsync<long>(platform, world,
                "SELECT count(*) FROM documents AS d JOIN files AS f ON f.id = d.file_id WHERE d.file_size = f.file_size AND d.filename_lower = lower(d.filename)"));

            async Task<List<Guid>> ListAsync(string query) =>
                (await GetDataAsync(gateway, $"{world.Documents}?{query}", admin)).GetProperty("documents").EnumerateArray()
                    .Select(d => d.GetProperty("id").GetGuid()).ToList();

            Assert.Equal([notes, summer], await ListAsync("min_size=150&sort=size"));
            Assert.Equal([small, summer], await ListAsync("filename=PLAN&sort=size&order=asc"));
            Assert.Equal([summer], await ListAsync($"filename={Uri.EscapeDataString("été")}"));
        }
        finally
        {
            await TenancyApi.PurgeTenantAsync(platform, world.TenantId, world.DatabaseName);
        }
    }
}
