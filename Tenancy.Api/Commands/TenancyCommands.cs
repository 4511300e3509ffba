using System.CommandLine;

namespace Tenancy.Api.Commands;

/// <summary>
/// Operator commands of the Tenancy.Api executable, run instead of the web server (<c>--help</c> on each):
/// <c>migrate-tenants [--tenant-id ID]... [--dry-run] [--history] [--parallelism N]</c> and <c>init</c>.
/// They read the same configuration as the service (connection strings <c>tenancydb</c>, <c>postgres</c> and any
/// <c>tenants-&lt;server&gt;</c>), to which <c>--Key=value</c> switches add.
/// </summary>
public static class TenancyCommands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is MigrateTenantsCommand.Name or InitCommand.Name;

    public static Task<int> RunAsync(string[] args)
    {
        var tenantIds = new Option<Guid[]>("--tenant-id") { Description = "Only this tenant (repeatable); every active tenant without it" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Only read: which migrations would run" };
        var history = new Option<bool>("--history") { Description = "Print the migrations each tenant has applied and pending" };
        var parallelism = new Option<int>("--parallelism") { Description = "Tenants migrated at once", DefaultValueFactory = _ => 4 };
        tenantIds.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => !Guid.TryParse(t.Value, out _)))
            {
                result.AddError($"--tenant-id {token.Value} is not a tenant id");
            }
        });
        parallelism.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--parallelism must be at least 1");
            }
        });

        var migrate = new Command(MigrateTenantsCommand.Name, "Apply pending tenant-schema migrations to every tenant database (or the ones named)")
        {
            tenantIds, dryRun, history, parallelism,
        };
        migrate.SetAction((result, ct) => RunInHostAsync<MigrateTenantsCommand>(result, (command, token) => command.RunAsync(
            new MigrateTenantsCommand.Arguments(result.GetValue(tenantIds) ?? [], result.GetValue(dryRun), result.GetValue(history),
                result.GetValue(parallelism)), token), ct));

        var init = new Command(InitCommand.Name,
            "Make sure an admin user and a test tenant exist (ADMIN_EMAIL, ADMIN_PASSWORD, TEST_TENANT_NAME, ADMIN_FIRST_NAME, ADMIN_LAST_NAME)");
        init.SetAction((result, ct) => RunInHostAsync<InitCommand>(result, (command, token) => command.RunAsync(token), ct));

        var root = new RootCommand("Tenancy.Api operator commands; without a command the service runs") { migrate, init };
        foreach (var command in root.Subcommands)
        {
            // Configuration switches (--Key=value) go to the host; anything else unknown is a mistake (checked below).
            command.TreatUnmatchedTokensAsErrors = false;
        }

        return root.Parse(args).InvokeAsync();
    }

    private static async Task<int> RunInHostAsync<TCommand>(ParseResult result, Func<TCommand, CancellationToken, Task<int>> run,
        CancellationToken cancellationToken)
        where TCommand : notnull
    {
        var unknown = result.UnmatchedTokens.Where(t => !t.StartsWith("--", StringComparison.Ordinal) || !t.Contains('=', StringComparison.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            await Console.Error.WriteLineAsync($"Unknown argument(s) {string.Join(' ', unknown)}; see {result.CommandResult.Command.Name} --help");
            return 1;
        }

        var builder = Host.CreateApplicationBuilder([.. result.UnmatchedTokens]);
        builder.AddServiceDefaults();
        builder.AddNpgsqlDbContext<TenancyDbContext>("tenancydb");
        builder.AddTenantDbContexts();
        builder.AddTenantProvisioning();
        // Events enqueued here (tenant.created by init) are published by the running service's relay.
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Logging.AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss.fff ";
        });

        using var host = builder.Build();
        await using var scope = host.Services.CreateAsyncScope();
        return await run(ActivatorUtilities.CreateInstance<TCommand>(scope.ServiceProvider), cancellationToken);
    }
}
