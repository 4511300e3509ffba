using Npgsql;
using SaasPlatform.EndToEndTests.Events;
using SaasPlatform.EndToEndTests.Tenancy;
using Xunit.Abstractions;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>
/// Documents.Api publishes tenant outboxes when commits signal them; nothing walks every tenant database on a timer
/// (docs/decisions/background-work-follows-activity.md). A row committed just before a crash (no signal reached a
/// publisher) is published by the paced recovery pass of the next start.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class TenantOutboxRecoveryTests(PlatformFixture platform, ITestOutputHelper output)
{
    private const string Documents = "documents-api";

    [Fact]
    public async Task A_tenant_outbox_row_left_by_a_crash_is_published_by_the_recovery_pass_of_the_next_start()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        await using var events = await EventsDatabase.OpenAsync(platform);
        var eventId = Guid.NewGuid();

        // Committed straight into the tenant's outbox, as a request would have just before its process died: no
        // in-process signal exists for it.
        await ResourceRestarts.KillAsync(platform, Documents, "Documents.Api", output);
        await using (var connection = new NpgsqlConnection(await TenancyApi.DatabaseAsync(platform, world.DatabaseName)))
        {
            await connection.OpenAsync();
            await using var insert = new NpgsqlCommand(
                "INSERT INTO outbox_messages (topic, key, payload, headers, created_at, attempts) VALUES ('audit.log', @key, @payload::jsonb, NULL, now(), 0)",
                connection);
            insert.Parameters.AddWithValue("key", world.TenantId.ToString());
            insert.Parameters.AddWithValue("payload", EventsDatabase.AuditEventJson(eventId, world.TenantId, null, "test.recovered", "outbox"));
            await insert.ExecuteNonQueryAsync();
        }

        await ResourceRestarts.StartAsync(platform, Documents, output);
        Assert.True(await EventuallyAsync(TimeSpan.FromSeconds(90), async () =>
                await events.CountAsync("SELECT count(*) FROM audit_records WHERE tenant_id = @t AND action = 'test.recovered'", ("t", world.TenantId)) == 1),
            "the row left in the tenant outbox was not published after the restart");
        Assert.Equal(0L, await TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM outbox_messages WHERE sent_at IS NULL"));
    }
}
