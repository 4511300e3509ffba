using Microsoft.EntityFrameworkCore;
using SaasPlatform.Messaging.Database;

namespace Identity.Api.Data;

internal static class DatabaseMigration
{
    /// <summary>
    /// Applies pending migrations before the app serves anything (so /health cannot be healthy on an old schema).
    /// Retries while PostgreSQL is still starting; replicas queue on an advisory lock (ExclusiveMigration).
    /// </summary>
    public static async Task MigrateIdentityDatabaseAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Identity.Migrations");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = app.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Database.MigrateExclusivelyAsync();
                return;
            }
            catch (Exception ex) when (attempt < 30 && ex is Npgsql.NpgsqlException or TimeoutException)
            {
                logger.LogWarning(ex, "Database not ready for migrations (attempt {Attempt}); retrying", attempt);
                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
    }
}
