using Npgsql;

namespace SaasPlatform.EndToEndTests.Tenancy;

/// <summary>
/// Faults in tenant provisioning arranged on the PostgreSQL side, so that Tenancy.Api needs no fault-injection code:
/// a trigger on this run's <c>tenants</c> table acts when a tenant with a <c>fault:</c> name is activated (the update
/// after its database was created, in the same transaction as its event).
/// <list type="bullet">
/// <item><c>fault:fail-after-database</c>: the activation fails (an error the service has never seen before);</item>
/// <item><c>fault:crash-after-database</c>: the activation waits, so the test can kill the process at that point, and
/// then ends the orphaned session (<see cref="EndHeldSessionsAsync"/>) as PostgreSQL does once it notices the client
/// is gone: the activation rolls back and the session's advisory locks are freed.</item>
/// </list>
/// Disposing removes the trigger.
/// </summary>
internal sealed class ProvisioningFaults : IAsyncDisposable
{
    private const string HoldMarker = "e2e-provisioning-fault-hold";
    private readonly PlatformFixture _platform;

    private ProvisioningFaults(PlatformFixture platform) => _platform = platform;

    public static async Task<ProvisioningFaults> InstallAsync(PlatformFixture platform)
    {
        await TenancyApi.ExecuteAsync(platform, TenancyApi.TenancyDb, $$"""
            CREATE OR REPLACE FUNCTION e2e_provisioning_fault() RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                IF NEW.status = 'active' AND OLD.status = 'provisioning' THEN
                    IF NEW.name = 'fault:fail-after-database' THEN
                        RAISE EXCEPTION 'Injected fault after creating the tenant database';
                    ELSIF NEW.name = 'fault:crash-after-database' THEN
                        PERFORM set_config('application_name', '{{HoldMarker}}', true);
                        PERFORM pg_sleep(120);
                    END IF;
                END IF;
                RETURN NEW;
            END
            $fn$;
            DROP TRIGGER IF EXISTS e2e_provisioning_fault ON tenants;
            CREATE TRIGGER e2e_provisioning_fault BEFORE UPDATE ON tenants FOR EACH ROW EXECUTE FUNCTION e2e_provisioning_fault();
            """);
        return new ProvisioningFaults(platform);
    }

    /// <summary>Waits until a session sits in the held activation.</summary>
    public Task WaitUntilActivationHeldAsync(TimeSpan timeout) =>
        WaitAsync(count => count > 0, timeout, "no provisioning reached the held activation");

    /// <summary>Ends the sessions held in the activation, and waits until they are gone.</summary>
    public async Task EndHeldSessionsAsync(TimeSpan timeout)
    {
        await TerminateHeldAsync();
        await WaitAsync(count => count == 0, timeout, "the held session did not end");
    }

    public async ValueTask DisposeAsync()
    {
        await TenancyApi.ExecuteAsync(_platform, TenancyApi.TenancyDb,
            "DROP TRIGGER IF EXISTS e2e_provisioning_fault ON tenants; DROP FUNCTION IF EXISTS e2e_provisioning_fault()");
        // Never leave a held session behind, whatever the test did.
        await TerminateHeldAsync();
    }

    private Task TerminateHeldAsync() => TenancyApi.ExecuteAsync(_platform, "postgres",
        $"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '{HoldMarker}'");

    private async Task WaitAsync(Func<long, bool> done, TimeSpan timeout, string failure)
    {
        var database = new NpgsqlConnectionStringBuilder(await TenancyApi.DatabaseAsync(_platform, TenancyApi.TenancyDb)).Database;
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var held = await TenancyApi.ScalarAsync<long>(_platform, "postgres",
                "SELECT count(*) FROM pg_stat_activity WHERE datname = @p0 AND application_name = @p1", database!, HoldMarker);
            if (done(held))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, failure);
            await Task.Delay(100);
        }
    }
}
