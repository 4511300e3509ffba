using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using SaasPlatform.EndToEndTests.Tenancy;
using SaasPlatform.Storage;
using SaasPlatform.TenantSchema;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>
/// The claim on a file's hash (the heart of deduplication) against a real tenant database, without HTTP in between:
/// the collision it must survive lasts microseconds, too short for requests to hit reliably.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class FileClaimTests(PlatformFixture platform)
{
    [Fact]
    public async Task Concurrent_claims_of_the_same_new_bytes_never_collide()
    {
        // Eight connections claim a handful of hashes over and over, deleting rows half of the time so that new
        // inserts of one hash keep racing each other (as uploads of the same new bytes do).
        const int workers = 8, iterations = 150, hashes = 5;
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var connectionString = await TenancyApi.DatabaseAsync(platform, world.DatabaseName);
        int inserted = 0, deleted = 0;

        await Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            await using var db = new TenantDbContext(new DbContextOptionsBuilder<TenantDbContext>().UseNpgsql(connectionString).Options);
            for (var i = 0; i < iterations; i++)
            {
                var file = Candidate(world.DatabaseName, Random.Shared.Next(hashes));
                await using var transaction = await db.Database.BeginTransactionAsync();
                var claimed = await FileClaims.ClaimAsync(db, file, CancellationToken.None);
                Assert.Equal(file.S3Path, claimed.S3Path);
                if (claimed.Inserted)
                {
                    Interlocked.Increment(ref inserted);
                }

                if (Random.Shared.Next(2) == 0)
                {
                    Interlocked.Add(ref deleted, await db.Database.ExecuteSqlAsync($"DELETE FROM files WHERE id = {claimed.Id}"));
                }

                await transaction.CommitAsync();
            }
        })));

        // Every row is accounted for: each claim either inserted one or reused the one that existed.
        Assert.InRange(inserted, hashes, workers * iterations);
        Assert.Equal(inserted - deleted, await TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM files"));
    }

    private static StoredFile Candidate(string databaseName, int content)
    {
        var bytes = Encoding.UTF8.GetBytes($"claimed content {content}");
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        return new StoredFile
        {
            Id = Guid.NewGuid(),
            CreatedAt = DateTimeOffset.UtcNow,
            UpdatedAt = DateTimeOffset.UtcNow,
            CreatedBy = Guid.NewGuid(),
            Md5Hash = Convert.ToHexStringLower(MD5.HashData(bytes)),
            Sha256Hash = sha256,
            S3Path = StorageKeys.File(databaseName, sha256),
            FileSize = bytes.Length,
        };
    }
}
