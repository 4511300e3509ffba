using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SaasPlatform.Messaging.Changes;

public static class ChangeFeedExtensions
{
    /// <summary>
    /// Listens to the change notifications of <typeparamref name="TDbContext"/>'s database (connection string
    /// <paramref name="connectionName"/>) and hands this process's own commits to the same feed at once
    /// (<paramref name="payloadOf"/> names a tracked entity as its trigger does: <c>table:key</c>).
    /// </summary>
    public static IHostApplicationBuilder AddChangeFeed<TDbContext>(this IHostApplicationBuilder builder, string connectionName,
        Func<EntityEntry, string?> payloadOf)
        where TDbContext : DbContext
    {
        builder.Services.AddSingleton(sp => new ChangeFeed(
            sp.GetRequiredService<IConfiguration>().GetConnectionString(connectionName)
                ?? throw new InvalidOperationException($"Connection string '{connectionName}' is missing"),
            sp.GetRequiredService<ILogger<ChangeFeed>>(),
            sp.GetService<TimeProvider>() ?? TimeProvider.System));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ChangeFeed>());
        builder.Services.AddSingleton(sp => new ChangeCommitInterceptor(sp.GetRequiredService<ChangeFeed>(), payloadOf));
        builder.Services.ConfigureDbContext<TDbContext>(
            (sp, db) => db.AddInterceptors(sp.GetRequiredService<ChangeCommitInterceptor>()),
            ServiceLifetime.Singleton);
        return builder;
    }
}
