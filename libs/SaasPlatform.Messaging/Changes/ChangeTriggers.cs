namespace SaasPlatform.Messaging.Changes;

/// <summary>
/// The SQL that makes a table announce its changes on <see cref="ChangeFeed.Channel"/>: an <c>AFTER</c> row trigger
/// calling <c>pg_notify</c> inside the writing transaction, so the notification is delivered exactly when the change
/// commits (and never for a rollback), whoever wrote it (EF, raw SQL, the migrate command, an operator).
/// The payload is <c>table:key</c> (or <c>table:key1:key2</c>); for an update that moves a key both rows are named.
/// </summary>
public static class ChangeTriggers
{
    public const string CreateFunction = $$"""
        CREATE OR REPLACE FUNCTION saas_notify_change() RETURNS trigger LANGUAGE plpgsql AS $fn$
        DECLARE
            rows jsonb[];
            row jsonb;
            payload text;
            i int;
        BEGIN
            rows := CASE TG_OP
                WHEN 'INSERT' THEN ARRAY[to_jsonb(NEW)]
                WHEN 'DELETE' THEN ARRAY[to_jsonb(OLD)]
                ELSE ARRAY[to_jsonb(OLD), to_jsonb(NEW)] END;
            FOREACH row IN ARRAY rows LOOP
                payload := TG_TABLE_NAME;
                FOR i IN 0 .. TG_NARGS - 1 LOOP
                    payload := payload || ':' || coalesce(row ->> TG_ARGV[i], '');
                END LOOP;
                PERFORM pg_notify('{{ChangeFeed.Channel}}', payload);
            END LOOP;
            RETURN NULL;
        END
        $fn$;
        """;

    public const string DropFunction = "DROP FUNCTION IF EXISTS saas_notify_change();";

    /// <summary>The trigger on <paramref name="table"/>, naming the rows by <paramref name="keyColumns"/>.</summary>
    public static string Create(string table, params string[] keyColumns) =>
        $"""
        DROP TRIGGER IF EXISTS {table}_notify_change ON {table};
        CREATE TRIGGER {table}_notify_change AFTER INSERT OR UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION saas_notify_change({string.Join(", ", keyColumns.Select(c => $"'{c}'"))});
        """;

    public static string Drop(string table) => $"DROP TRIGGER IF EXISTS {table}_notify_change ON {table};";
}
