using Microsoft.EntityFrameworkCore.Infrastructure;

namespace SaasPlatform.Messaging.Database;

/// <summary>
/// Start-up migrations that replicas of one service can run at the same moment on an empty server. EF's own migration
/// lock is taken only once the database and its history table exist, so two replicas would race on
/// <c>CREATE DATABASE</c> (one fails with 42P04 and retries). A session advisory lock per database name, held on the
/// maintenance database (which always exists), queues them: the second finds everything applied.
/// </summary>
public static class ExclusiveMigration
{
    public static async Task MigrateExclusivelyAsync(this DatabaseFacade database, CancellationToken cancellationToken = default)
    {
        var target = new NpgsqlConnectionStringBuilder(database.GetConnectionString());
        var maintenance = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(maintenance.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_lock(hashtextextended(@name, 0))", connection))
        {
            lockCommand.Parameters.AddWithValue("name", $"saasplatform.migrate:{target.Database}");
            lockCommand.CommandTimeout = 0;   // waits as long as the other replica's migration takes
            await lockCommand.ExecuteNonQueryAsync(cancellationToken);
        }

        // Released with the session when the connection closes, also if the migration throws.
        await database.MigrateAsync(cancellationToken);
    }
}
