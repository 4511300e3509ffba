namespace Tenancy.Api.Provisioning;

/// <summary>
/// The template database new tenants are copied from, one per tenant server (<c>CREATE DATABASE ... TEMPLATE</c> copies
/// within a server only). At start-up each is created if missing and migrated to the current tenant schema first
/// (before any tenant), through an unpooled connection: <c>CREATE DATABASE ... TEMPLATE</c> refuses to copy a database
/// someone is connected to.
/// </summary>
public sealed class TenantTemplate(TenantServers servers, ServerAdmin server, IOptions<ProvisioningOptions> options, ILogger<TenantTemplate> logger)
{
    private static readonly Lazy<string> LatestCodeMigration = new(() =>
    {
        using var context = new TenantDbContext(new DbContextOptionsBuilder<TenantDbContext>().UseNpgsql("Host=unused").Options);
        return context.Database.GetMigrations().Last();
    });

    private readonly ConcurrentDictionary<string, string?> _versions = new(StringComparer.Ordinal);

    /// <summary>The newest tenant-schema migration this code knows.</summary>
    public static string LatestMigration => LatestCodeMigration.Value;

    public string DatabaseName => options.Value.TemplateDatabase;

    /// <summary>The newest migration applied to main's template, known once <see cref="EnsureCurrentAsync(CancellationToken)"/> has run.</summary>
    public string? SchemaVersion => SchemaVersionOn(TenantServers.Main);

    /// <summary>The newest migration applied to the template on <paramref name="tenantServer"/>, once ensured.</summary>
    public string? SchemaVersionOn(string tenantServer) => _versions.GetValueOrDefault(tenantServer);

    /// <summary>Brings the template of every configured tenant server to the current schema.</summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        foreach (var name in servers.Names)
        {
            await EnsureCurrentAsync(name, cancellationToken);
        }
    }

    private async Task EnsureCurrentAsync(string tenantServer, CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenAsync(tenantServer, cancellationToken);
        await AdvisoryLocks.LockAsync(connection, AdvisoryLocks.TemplateKey, cancellationToken);
        try
        {
            if (!await TenantServer.DatabaseExistsAsync(connection, DatabaseName, cancellationToken))
            {
                logger.LogInformation("Creating tenant template database {Template} on {Server}", DatabaseName, tenantServer);
                await TenantServer.CreateDatabaseAsync(connection, DatabaseName, template: null, cancellationToken);
            }

            // Nobody but the owner connects to the template (a session on it would block every copy).
            await TenantServer.RestrictConnectAsync(connection, DatabaseName, tenantDataRole: null, cancellationToken);

            await using var template = new TenantDbContext(new DbContextOptionsBuilder<TenantDbContext>()
                .UseNpgsql(server.ConnectionString(tenantServer, DatabaseName)).Options);
            var pending = (await template.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (pending.Count > 0)
            {
                logger.LogInformation("Migrating tenant template {Template} on {Server}: {Migrations}", DatabaseName, tenantServer, pending);
                await template.Database.MigrateAsync(cancellationToken);
            }

            if (options.Value.TenantDataRole is { Length: > 0 } tenantDataRole)
            {
                // Copied into every tenant database created from the template.
                await using var grants = new Npgsql.NpgsqlConnection(server.ConnectionString(tenantServer, DatabaseName));
                await grants.OpenAsync(cancellationToken);
                await TenantServer.GrantTenantDataAsync(grants, tenantDataRole, cancellationToken);
            }

            var version = (await template.Database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault();
            _versions[tenantServer] = version;
            logger.LogInformation("Tenant template {Template} on {Server} is at {Version}", DatabaseName, tenantServer, version);
        }
        finally
        {
            await AdvisoryLocks.UnlockAsync(connection, AdvisoryLocks.TemplateKey);
        }
    }
}
