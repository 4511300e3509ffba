using System.Diagnostics;
using SaasPlatform.Messaging;
using SaasPlatform.Messaging.Events;
using Tenancy.Api.Quotas;

namespace Tenancy.Api.Provisioning;

/// <summary>
/// Creates a tenant so that it either exists completely (row active, database copied from the template at the current
/// schema, creator admin) or not at all (decision D7):
/// <list type="number">
/// <item>under the creator's advisory lock, check their quotas (<see cref="TenantQuotas"/>);</item>
/// <item>choose the tenant's server (<see cref="TenantPlacement"/>);</item>
/// <item>take the tenant's advisory lock, insert the row as <c>provisioning</c> with the creator's membership;</item>
/// <item><c>CREATE DATABASE ... TEMPLATE</c> on that server (serialised on its template lock);</item>
/// <item>mark the row <c>active</c> with its schema version, together with the <c>tenant.created</c> event.</item>
/// </list>
/// A failure drops the database and deletes the row; a crash leaves a <c>provisioning</c> row whose lock died with
/// the process, which <see cref="ProvisioningRecovery"/> undoes. Name collisions are retried with a fresh suffix.
/// </summary>
public sealed class TenantProvisioner(
    TenancyDbContext db,
    TenantTemplate template,
    TenantQuotas quotas,
    TenantPlacement placement,
    ServerAdmin server,
    TimeProvider time,
    IOptions<ProvisioningOptions> options,
    ILogger<TenantProvisioner> logger)
{
    private const int MaxAttempts = 5;
    private static readonly ActivitySource Activity = new(Microsoft.Extensions.Hosting.Extensions.PlatformActivitySource);

    public async Task<Tenant> CreateAsync(string name, Guid creatorId)
    {
        // Not the request's token: once started, a provisioning is finished or undone even if the client leaves.
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var cancellationToken = timeout.Token;
        using var activity = Activity.StartActivity("tenant provision");
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        // One creation per user at a time, so the quota check and the row it admits cannot race a second request.
        // Only one user's own requests queue (and they already queue on the template lock for CREATE DATABASE).
        var userKey = AdvisoryLocks.UserKey(creatorId);
        try
        {
            await AdvisoryLocks.LockAsync(connection, userKey, cancellationToken);
            await quotas.EnsureMayCreateAsync(creatorId, cancellationToken);
            var tenantServer = await placement.ChooseServerAsync(cancellationToken);
            for (var attempt = 1; ; attempt++)
            {
                var now = time.GetUtcNow();
                var tenant = new Tenant
                {
                    Name = name,
                    DatabaseName = TenantDatabaseName.Generate(name),
                    Server = tenantServer,
                    Status = TenantStatus.Provisioning,
                    CreatedBy = creatorId,
                    CreatedAt = now,
                    UpdatedAt = now,
                };
                tenant.Members.Add(new Membership { UserId = creatorId, Role = TenantRole.Admin, JoinedAt = now });
                activity?.SetTag("tenant.id", tenant.Id);
                activity?.SetTag("tenant.database", tenant.DatabaseName);
                activity?.SetTag("tenant.server", tenant.Server);

                var key = AdvisoryLocks.TenantKey(tenant.Id);
                await AdvisoryLocks.LockAsync(connection, key, cancellationToken);
                try
                {
                    try
                    {
                        db.Tenants.Add(tenant);
                        await db.SaveChangesAsync(cancellationToken);
                    }
                    catch (DbUpdateException ex) when (IsUniqueViolation(ex) && attempt < MaxAttempts)
                    {
                        logger.LogWarning("Database name {Database} already taken; retrying", tenant.DatabaseName);
                        db.ChangeTracker.Clear();
                        continue;
                    }

                    try
                    {
                        await CreateDatabaseAsync(tenant.Server, tenant.DatabaseName, cancellationToken);

                        tenant.Status = TenantStatus.Active;
                        tenant.SchemaVersion = template.SchemaVersionOn(tenant.Server);
                        tenant.UpdatedAt = time.GetUtcNow();
                        // The event commits with the activation: it is published if and only if the tenant exists.
                        db.EnqueueEvent(Topics.TenantCreated, tenant.Id, creatorId,
                            new TenantCreated(tenant.Name, tenant.DatabaseName, creatorId), time);
                        db.EnqueueAudit(tenant.Id, creatorId, AuditActions.TenantCreated, "tenant", tenant.Id.ToString(),
                            new { name = tenant.Name, database_name = tenant.DatabaseName, server = tenant.Server }, time);
                        await db.SaveChangesAsync(cancellationToken);
                        logger.LogInformation("Provisioned tenant {TenantId} with database {Database} on {Server}", tenant.Id, tenant.DatabaseName, tenant.Server);
                        return tenant;
                    }
                    catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.DuplicateDatabase && attempt < MaxAttempts)
                    {
                        // A database of that name exists outside our records: leave it alone, try another name.
                        await DeleteRowAsync(tenant);
                        logger.LogWarning("Database {Database} already exists on the server; retrying", tenant.DatabaseName);
                    }
                    catch (Exception ex)
                    {
                        logger.LogError(ex, "Provisioning tenant {TenantId} failed; undoing", tenant.Id);
                        var ours = ex is not PostgresException { SqlState: PostgresErrorCodes.DuplicateDatabase };
                        await UndoAsync(tenant, dropDatabase: ours);
                        throw;
                    }
                }
                finally
                {
                    await AdvisoryLocks.UnlockAsync(connection, key);
                }
            }
        }
        finally
        {
            await AdvisoryLocks.UnlockAsync(connection, userKey);
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task CreateDatabaseAsync(string tenantServer, string database, CancellationToken cancellationToken)
    {
        await using var connection = await server.OpenAsync(tenantServer, cancellationToken);
        await AdvisoryLocks.LockAsync(connection, AdvisoryLocks.TemplateKey, cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await TenantServer.CreateDatabaseAsync(connection, database, template.DatabaseName, cancellationToken);
                    await TenantServer.RestrictConnectAsync(connection, database, options.Value.TenantDataRole, cancellationToken);
                    return;
                }
                catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.ObjectInUse && attempt < 20)
                {
                    // Someone is connected to the template (an operator's psql, a stray tool): wait a little.
                    logger.LogWarning("Template {Template} is in use; retrying ({Attempt})", template.DatabaseName, attempt);
                    await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
                }
            }
        }
        finally
        {
            await AdvisoryLocks.UnlockAsync(connection, AdvisoryLocks.TemplateKey);
        }
    }

    /// <summary>Drops the database and deletes the row; if that fails too, recovery finishes it later.</summary>
    private async Task UndoAsync(Tenant tenant, bool dropDatabase)
    {
        try
        {
            if (dropDatabase)
            {
                await using var connection = await server.OpenAsync(tenant.Server, CancellationToken.None);
                await TenantServer.DropDatabaseAsync(connection, tenant.DatabaseName, CancellationToken.None);
            }

            await DeleteRowAsync(tenant);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Undoing tenant {TenantId} failed; start-up recovery will retry", tenant.Id);
        }
    }

    private async Task DeleteRowAsync(Tenant tenant)
    {
        db.ChangeTracker.Clear();
        await db.Tenants.Where(t => t.Id == tenant.Id).ExecuteDeleteAsync(CancellationToken.None);
    }

    private static bool IsUniqueViolation(DbUpdateException ex) =>
        ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
