using Amazon.S3.Model;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.EndToEndTests.Events;
using SaasPlatform.EndToEndTests.Identity;
using SaasPlatform.EndToEndTests.Tenancy;
using SaasPlatform.Storage;
using SaasPlatform.TenantSchema;
using Xunit.Abstractions;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>
/// The orphan sweep (D10, docs/decisions/background-work-follows-activity.md): what the worker's in-memory timetable
/// loses with a restart, its recovery pass at start-up finds and collects; and the sweep's queries against a real
/// tenant database.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class OrphanSweepTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const string Worker = "events-worker";
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3); // events-worker:Files:OrphanGracePeriod in the test run

    [Fact]
    public async Task An_orphan_whose_timer_died_with_the_worker_and_an_abandoned_staged_upload_are_collected_by_the_sweep_after_a_restart()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        await using var events = await EventsDatabase.OpenAsync(platform);

        // The worker must die after it scheduled the collection and before the grace period ends; on a machine too
        // loaded for that (the file is already gone when it is dead), try again with a new file.
        Guid fileId = default;
        string key = "";
        for (var attempt = 1; ; attempt++)
        {
            var uploaded = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, UniqueText(), "sweep.txt", "text/plain");
            fileId = uploaded.GetProperty("file_id").GetGuid();
            key = uploaded.GetProperty("file").GetProperty("s3_path").GetString()!;
            var handledBefore = await CollectionsHandledAsync(events, world.TenantId);
            using (var delete = await SendAsync(gateway, HttpMethod.Delete, $"{world.Documents}/{uploaded.GetProperty("id").GetGuid()}", world.User.AccessToken))
            {
                Assert.True((await delete.JsonAsync()).GetProperty("data").GetProperty("file_orphaned").GetBoolean());
            }

            // The worker has taken the event (its inbox says so) and holds the collection in its timetable; then it crashes.
            Assert.True(await EventuallyAsync(TimeSpan.FromSeconds(30), async () => await CollectionsHandledAsync(events, world.TenantId) > handledBefore));
            await StopWorkerAsync();
            if (await FileRowsAsync(world, fileId) == 1)
            {
                break;
            }

            output.WriteLine($"attempt {attempt}: the grace period ended before the worker stopped; starting it again");
            Assert.True(attempt < 3, "The worker never stopped within the grace period");
            await StartWorkerAsync();
        }

        // Staged uploads a crash abandoned: one older than the retention (24 h), one recent (an upload in progress).
        var stale = $"{world.StagingPrefix}{Guid.NewGuid():N}";
        var recent = $"{world.StagingPrefix}{Guid.NewGuid():N}";
        await PutAsync(stale);
        await PutAsync(recent);
        File.SetLastWriteTimeUtc(ObjectFile(stale), DateTime.UtcNow.AddDays(-2));

        // Nothing else collects: well past the grace period, with the worker down, the file is still there.
        await Task.Delay(Grace + TimeSpan.FromSeconds(2));
        Assert.Equal(1L, await FileRowsAsync(world, fileId));
        Assert.True(await ObjectExistsAsync(platform, key));

        // The started worker redelivers nothing it had handled (the inbox skips it): only its sweep can collect.
        await StartWorkerAsync();
        Assert.True(await EventuallyAsync(TimeSpan.FromSeconds(60), async () => await FileRowsAsync(world, fileId) == 0),
            "the orphan was not collected after the restart");
        Assert.False(await ObjectExistsAsync(platform, key));
        Assert.True(await EventuallyAsync(TimeSpan.FromSeconds(30), async () => !await ObjectExistsAsync(platform, stale)),
            "the stale staged upload was not deleted");
        Assert.True(await ObjectExistsAsync(platform, recent));
    }

    [Fact]
    public async Task The_sweep_repairs_marks_finds_due_orphans_and_deletes_only_those_in_a_real_tenant_database()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var kept = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, UniqueText(), "kept.txt", "text/plain");
        var keptFile = kept.GetProperty("file_id").GetGuid();
        await using var db = new TenantDbContext(new DbContextOptionsBuilder<TenantDbContext>()
            .UseNpgsql(await TenancyApi.DatabaseAsync(platform, world.DatabaseName)).Options);

        // A file with no documents that was never marked (a lost update), and a wrong mark on a file in use.
        var lost = NewFile(world.DatabaseName);
        db.Files.Add(lost);
        await db.SaveChangesAsync();
        await db.Files.Where(f => f.Id == keptFile).ExecuteUpdateAsync(s => s.SetProperty(f => f.OrphanedAt, DateTimeOffset.UtcNow.AddHours(-5)));

        var now = DateTimeOffset.UtcNow;
        Assert.Equal(2, await OrphanedFiles.RepairMarksAsync(db, now, CancellationToken.None));
        Assert.Null(await OrphanedFiles.OrphanedAtAsync(db, keptFile, CancellationToken.None));
        Assert.Equal(now.ToUnixTimeMilliseconds(), (await OrphanedFiles.OrphanedAtAsync(db, lost.Id, CancellationToken.None))?.ToUnixTimeMilliseconds());

        // Not due before its grace: not listed, not deleted, and the next due time is its mark.
        Assert.Empty(await OrphanedFiles.DueAsync(db, now.AddSeconds(-1), 10, CancellationToken.None));
        Assert.Null(await OrphanedFiles.DeleteIfDueAsync(db, lost.Id, now.AddSeconds(-1), CancellationToken.None));
        Assert.Equal(now.ToUnixTimeMilliseconds(), (await OrphanedFiles.NextOrphanedAfterAsync(db, now.AddSeconds(-1), CancellationToken.None))?.ToUnixTimeMilliseconds());

        // Due: listed and deleted once, returning its key; a file with documents is never deleted.
        Assert.Equal(new[] { lost.Id }, await OrphanedFiles.DueAsync(db, now, 10, CancellationToken.None));
        var collected = await OrphanedFiles.DeleteIfDueAsync(db, lost.Id, now, CancellationToken.None);
        Assert.Equal(lost.S3Path, collected?.S3Path);
        Assert.Equal(lost.FileSize, collected?.FileSize);
        Assert.Null(await OrphanedFiles.DeleteIfDueAsync(db, lost.Id, now, CancellationToken.None));
        Assert.Null(await OrphanedFiles.DeleteIfDueAsync(db, keptFile, DateTimeOffset.UtcNow.AddDays(1), CancellationToken.None));
        Assert.Null(await OrphanedFiles.NextOrphanedAfterAsync(db, DateTimeOffset.MinValue, CancellationToken.None));
        Assert.Equal(1L, await FileRowsAsync(world, keptFile));
    }

    private static StoredFile NewFile(string database)
    {
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray()));
        return new StoredFile { Md5Hash = sha[..32], Sha256Hash = sha, S3Path = StorageKeys.File(database, sha), FileSize = 42 };
    }

    private Task<long> FileRowsAsync(DocumentWorld world, Guid fileId) =>
        TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM files WHERE id = @p0", fileId);

    private static Task<long> CollectionsHandledAsync(EventsDatabase events, Guid tenantId) =>
        events.CountAsync("SELECT count(*) FROM inbox_events WHERE tenant_id = @t AND handler LIKE '%CollectOrphanedFile' AND outcome = 'handled'",
            ("t", tenantId));

    private async Task PutAsync(string key)
    {
        using var s3 = await StorageAsync(platform);
        await s3.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = key, ContentBody = "partial upload", UseChunkEncoding = false });
    }

    /// <summary>The file s3rver keeps an object in: its mtime is the object's Last-Modified.</summary>
    private string ObjectFile(string key) =>
        Path.Combine([platform.S3Directory, Bucket, .. key.Split('/')[..^1], $"{key.Split('/')[^1]}._S3rver_object"]);

    private Task StopWorkerAsync() => ResourceRestarts.KillAsync(platform, Worker, "Events.Worker", output);

    private Task StartWorkerAsync() => ResourceRestarts.StartAsync(platform, Worker, output);
}
