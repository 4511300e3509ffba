using System.Diagnostics;
using Spectre.Console;

namespace Tenancy.Api.Commands;

/// <summary>
/// Applies pending tenant-schema migrations to every tenant database (or the ones named), a few at a time through the
/// bounded connection registry, each on the server its tenant record names (docs/decisions/tenant-placement.md).
/// A failing tenant is reported and the others go on; the exit code is 1 if any failed.
/// <c>--dry-run</c> only reads (which migrations would run); <c>--history</c> prints what each tenant has applied.
/// The version reached is recorded in <c>tenants.schema_version</c>, which the health check compares cheaply.
/// </summary>
public sealed class MigrateTenantsCommand(
    TenancyDbContext db,
    TenantDataSources dataSources,
    TenantDbContextFactory tenantContexts,
    IServiceScopeFactory scopes,
    ILogger<MigrateTenantsCommand> logger)
{
    public const string Name = "migrate-tenants";

    public sealed record Arguments(IReadOnlyList<Guid> TenantIds, bool DryRun, bool History, int Parallelism);

    public sealed record TenantResult(Guid TenantId, string TenantName, string Database, string Status,
        string? FromVersion, string? ToVersion, IReadOnlyList<string> Migrations, string? Error);

    public async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var query = db.Tenants.AsNoTracking().Where(t => t.IsActive && t.Status == TenantStatus.Active);   // deleted tenants' databases are gone
        if (arguments.TenantIds.Count > 0)
        {
            query = query.Where(t => arguments.TenantIds.Contains(t.Id));
        }

        var tenants = await query.OrderBy(t => t.CreatedAt).Select(t => new { t.Id, t.Name, t.DatabaseName, t.Server }).ToListAsync(cancellationToken);
        var missing = arguments.TenantIds.Except(tenants.Select(t => t.Id)).ToList();
        if (missing.Count > 0)
        {
            logger.LogError("Tenant(s) not found: {TenantIds}", missing);
            return 1;
        }

        if (tenants.Count == 0)
        {
            logger.LogInformation("No tenants found");
            return 0;
        }

        var mode = arguments.History ? "history" : arguments.DryRun ? "dry-run" : "migrate";
        var parallelism = Math.Min(arguments.Parallelism, dataSources.MaxConnections);
        logger.LogInformation("migrate-tenants {Mode}: {Count} tenants, target {Target}, {Parallelism} at a time",
            mode, tenants.Count, TenantTemplate.LatestMigration, parallelism);

        var started = Stopwatch.StartNew();
        var results = new ConcurrentBag<TenantResult>();
        var done = 0;
        async Task RunAllAsync(Action<int, TenantResult> report) =>
            await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
                async (tenant, ct) =>
                {
                    var result = await MigrateAsync(tenant.Id, tenant.Name, tenant.Server, tenant.DatabaseName, arguments, ct);
                    results.Add(result);
                    report(Interlocked.Increment(ref done), result);
                });

        // A person at a terminal sees a progress bar; scripts and logs (bench/run.sh, the tests) read one [n/N] line per tenant.
        if (Console.IsOutputRedirected || arguments.History)
        {
            await RunAllAsync((n, result) => LogProgress(n, tenants.Count, result));
        }
        else
        {
            await AnsiConsole.Progress().StartAsync(async progress =>
            {
                var bar = progress.AddTask($"{mode} {tenants.Count} tenants", maxValue: tenants.Count);
                await RunAllAsync((_, _) => bar.Increment(1));
            });
        }

        var counts = results.GroupBy(r => r.Status).ToDictionary(g => g.Key, g => g.Count());
        var errors = results.Where(r => r.Status == "error").ToList();
        logger.LogInformation(
            "migrate-tenants {Mode} done in {Elapsed:0.0} s: {Total} tenants, {Migrated} migrated, {UpToDate} up to date, {WouldMigrate} would migrate, {Errors} failed",
            mode, started.Elapsed.TotalSeconds, results.Count, counts.GetValueOrDefault("success"), counts.GetValueOrDefault("up_to_date"),
            counts.GetValueOrDefault("would_migrate"), errors.Count);
        foreach (var error in errors)
        {
            logger.LogError("FAILED tenant {TenantId} ({Database}): {Error}", error.TenantId, error.Database, error.Error);
        }

        return errors.Count > 0 ? 1 : 0;
    }

    private void LogProgress(int done, int total, TenantResult result)
    {
        if (result.Status == "error")
        {
            logger.LogError("[{Done}/{Total}] tenant {TenantId} ({Database}): error: {Error}",
                done, total, result.TenantId, result.Database, result.Error);
        }
        else
        {
            logger.LogInformation("[{Done}/{Total}] tenant {TenantId} ({Database}): {Status} {From} -> {To} {Migrations}",
                done, total, result.TenantId, result.Database, result.Status, result.FromVersion ?? "(none)",
                result.ToVersion ?? "(none)", string.Join(", ", result.Migrations));
        }
    }

    /// <summary>One tenant: its history (<c>--history</c>), what would run (<c>--dry-run</c>), or the migration itself.</summary>
    private async Task<TenantResult> MigrateAsync(Guid id, string name, string server, string database, Arguments arguments,
        CancellationToken cancellationToken)
    {
        var dryRun = arguments.DryRun;
        string? from = null;
        try
        {
            await using var tenantDb = await tenantContexts.CreateDbContextAsync(server, database, cancellationToken);
            // MigrateAsync creates a missing database: a record whose database is gone must not get an empty one back
            // (created by this role, without the data role's grants).
            if (!await tenantDb.Database.CanConnectAsync(cancellationToken))
            {
                return new TenantResult(id, name, database, "error", null, null, [], $"Database {database} does not exist");
            }

            var applied = (await tenantDb.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
            from = applied.LastOrDefault();
            var pending = (await tenantDb.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            if (arguments.History)
            {
                var lines = applied.Select(m => $"applied {m}").Concat(pending.Select(m => $"pending {m}")).ToList();
                logger.LogInformation("History of tenant {TenantId} ({Database}):{NewLine}{Lines}", id, database, Environment.NewLine,
                    string.Join(Environment.NewLine, lines.Select(l => "    " + l)));
                return new TenantResult(id, name, database, pending.Count == 0 ? "up_to_date" : "would_migrate", from, from, applied, null);
            }

            if (pending.Count == 0)
            {
                if (!dryRun)
                {
                    await RecordVersionAsync(id, from, cancellationToken);
                }

                return new TenantResult(id, name, database, "up_to_date", from, from, [], null);
            }

            if (dryRun)
            {
                return new TenantResult(id, name, database, "would_migrate", from, pending[^1], pending, null);
            }

            await tenantDb.Database.MigrateAsync(cancellationToken);
            var to = (await tenantDb.Database.GetAppliedMigrationsAsync(cancellationToken)).LastOrDefault();
            await RecordVersionAsync(id, to, cancellationToken);
            return new TenantResult(id, name, database, "success", from, to, pending, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return new TenantResult(id, name, database, "error", from, null, [], ex.GetBaseException().Message);
        }
    }

    /// <summary>Separate short-lived contexts: the command's own context is not thread-safe.</summary>
    private async Task RecordVersionAsync(Guid id, string? version, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var ownDb = scope.ServiceProvider.GetRequiredService<TenancyDbContext>();
        await ownDb.Tenants.Where(t => t.Id == id && t.SchemaVersion != version)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.SchemaVersion, version), cancellationToken);
    }
}
