using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using SaasPlatform.TenantConnections;
using SaasPlatform.TenantSchema;

namespace Tenancy.Api.Provisioning;

/// <summary>
/// The template database new tenants are copied from. At start-up it is created if missing and migrated to the
/// current tenant schema first (before any tenant), through an unpooled connection: <c>CREATE DATABASE ... TEMPLATE</c>
/// refuses to copy a database someone is connected to.
/// </summary>
public sealed class TenantTemplate(TenantDataSources dataSources, ServerAdmin server, IOptions<ProvisioningOptions> options, ILogger<TenantTemplate> logger)
{
    private static readonly Lazy<string> LatestCodeMigration = new(() =>
    {
        using var context = new TenantDbContext(new DbContextOptionsBuilder<TenantDbContext>().UseNpgsql("Host=unused").Options);
        return context.Database.GetMigrations().Last();
    });

    /// <summary>The newest tenant-schema migration this code knows.</summary>
    public static string LatestMigration => LatestCodeMigration.Value;

    public string DatabaseName => options.Value.TemplateDatabase;

    /// <summary>The newest migration applied to the template, known once <see cref="EnsureCurrentAsync"/> has run.</summary>
    public string? SchemaVersion { get; private set; }

    public async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenAsync(cancellationToken);
        await AdvisoryLocks.LockAsync(connection, AdvisoryLocks.TemplateKey, cancellationToken);
        try
        {
            if (!await TenantServer.DatabaseExistsAsync(connection, DatabaseName, cancellationToken))
            {
                logger.LogInformation("Creating tenant template database {Template}", DatabaseName);
                await TenantServer.CreateDatabaseAsync(connection, DatabaseName, template: null, cancellationToken);
            }

            // Nobody but the owner connects to the template (a session on it would block every copy).
            await TenantServer.RestrictConnectAsync(connection, DatabaseName, tenantDataRole: null, cancellationToken);

            await using var template = new TenantDbContext(new DbContextOptionsBuilder<TenantDbContext>()
                .UseNpgsql(dataSources.BuildConnectionString(DatabaseName, pooling: false)).Options);
            var pending = (await template.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                logger.LogInformation("Migrating tenant template {Template}: {Migrations}", DatabaseName, pending);
                await template.Database.MigrateAsync(cancellationToken);
            }

            if (options.Value.TenantDataRole is { Length: > 0 } tenantDataRole)
            {
                // Copied into every tenant database created from the template.
                await using var grants = new Npgsql.NpgsqlConnection(dataSources.BuildConnectionString(DatabaseName, pooling: false));
                await grants.OpenAsync(cancellationToken);
                await TenantServer.GrantTenantDataAsync(grants, tenantDataRole, cancellationToken);
            }

            SchemaVersion = (await template.Database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault();
            logger.LogInformation("Tenant template {Template} is at {Version}", DatabaseName, SchemaVersion);
        }
        finally
        {
            await AdvisoryLocks.UnlockAsync(connection, AdvisoryLocks.TemplateKey);
        }
    }
}
