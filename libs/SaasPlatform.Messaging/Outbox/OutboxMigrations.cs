using Microsoft.EntityFrameworkCore.Migrations;

namespace SaasPlatform.Messaging.Outbox;

/// <summary>
/// Optional: a statement-level trigger that sends <c>NOTIFY outbox_messages</c> when rows are inserted. PostgreSQL
/// delivers it at commit, so a relay that LISTENs wakes for rows written by any process (another instance, a script).
/// Call <see cref="CreateOutboxNotifyTrigger"/> in the migration that creates the table (after it) in a service's own
/// database; tenant databases do not need it (no relay listens to thousands of databases).
/// </summary>
public static class OutboxMigrations
{
    public const string NotifyChannel = "outbox_messages";

    public static MigrationBuilder CreateOutboxNotifyTrigger(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            CREATE OR REPLACE FUNCTION outbox_messages_notify() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{NotifyChannel}', '');
                RETURN NULL;
            END $$;
            CREATE OR REPLACE TRIGGER outbox_messages_notify AFTER INSERT ON {OutboxModelExtensions.TableName}
                FOR EACH STATEMENT EXECUTE FUNCTION outbox_messages_notify();
            """);
        return migrationBuilder;
    }

    public static MigrationBuilder DropOutboxNotifyTrigger(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            DROP TRIGGER IF EXISTS outbox_messages_notify ON {OutboxModelExtensions.TableName};
            DROP FUNCTION IF EXISTS outbox_messages_notify();
            """);
        return migrationBuilder;
    }
}
