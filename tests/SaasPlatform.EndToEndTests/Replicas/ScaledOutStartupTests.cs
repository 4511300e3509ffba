using System.Net;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace SaasPlatform.EndToEndTests.Replicas;

/// <summary>
/// Two replicas of every service started together on an empty server (this run's databases did not exist): both
/// come up, and each database was migrated once, by one of them, without a failed attempt (the migration lock).
/// </summary>
[Collection(ReplicasCollection.Name)]
public sealed partial class ScaledOutStartupTests(ReplicasFixture platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Every_service_runs_two_replicas_each_healthy_on_its_own_address()
    {
        foreach (var service in PlatformFixture.Services)
        {
            var instances = platform.Instances(service);
            Assert.Equal(2, instances.Count);
            Assert.Equal(2, instances.Select(i => i.Address).Distinct().Count());
            foreach (var instance in instances)
            {
                using var client = PlatformFixture.CreateInstanceClient(instance);
                using var health = await client.GetAsync("/health");
                Assert.True(health.StatusCode == HttpStatusCode.OK, $"{instance.Id}: {(int)health.StatusCode} {await health.Content.ReadAsStringAsync()}");
            }
        }
    }

    [Theory]
    [InlineData("identity-api")]
    [InlineData("tenancy-api")]
    [InlineData("events-worker")]
    public async Task Replicas_starting_together_on_an_empty_database_migrate_it_once_without_a_failed_attempt(string service)
    {
        var applied = new List<string>();
        var failures = new List<string>();
        foreach (var instance in platform.Instances(service))
        {
            var log = await platform.LogAsync(instance.Id);
            applied.AddRange(log.Select(line => AppliedMigration().Match(line)).Where(m => m.Success).Select(m => m.Groups[1].Value));
            failures.AddRange(log.Where(line => FailedAttempt().IsMatch(line)).Select(line => $"{instance.Id}: {line}"));
        }

        output.WriteLine($"{service}: {applied.Count} migrations applied ({string.Join(", ", applied)})");
        Assert.NotEmpty(applied);                                  // the database was empty: someone migrated it
        Assert.Equal(applied.Count, applied.Distinct().Count());   // each migration applied by one replica only
        Assert.Empty(failures);                                    // and nobody had to retry
    }

    // EF Core's "Applying migration '20260101000000_Initial'." (Tenancy also migrates the tenant template).
    [GeneratedRegex(@"Applying migration '([^']+)'")]
    private static partial Regex AppliedMigration();

    // The services' own retry warnings around start-up migrations.
    [GeneratedRegex("Database not ready for migrations|Migrating eventsdb failed|Start-up attempt \\d+ failed")]
    private static partial Regex FailedAttempt();
}
