namespace SaasPlatform.EndToEndTests.Disruption;

/// <summary>
/// A platform of its own for tests that break things (restart PostgreSQL, stop a service): its own PostgreSQL cluster
/// (<see cref="OwnPostgresCluster"/>), because the shared cluster on 5432 serves other runs on this machine; its own
/// AppHost, so no other test sees the outage. The collection runs alone, after the parallel ones, so it never competes
/// with the main platform for the CPU.
/// </summary>
public sealed class DisruptionFixture : PlatformFixture
{
    private readonly OwnPostgresCluster _postgres = new(FreePort());

    protected override IEnumerable<string> AppHostArguments => [$"--DevServers:PostgresPort={_postgres.Port}"];

    public override async Task InitializeAsync()
    {
        await _postgres.CreateAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            await _postgres.DropAsync();
        }
    }

    /// <summary>Stops this run's PostgreSQL (fast: sessions end with 57P01), keeps it down for a while, starts it again.</summary>
    public Task RestartPostgresAsync(TimeSpan down) => _postgres.RestartAsync(down);
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DisruptionCollection : ICollectionFixture<DisruptionFixture>
{
    public const string Name = "disruption";
}
