using SaasPlatform.Messaging.Outbox;
using SaasPlatform.ServiceDefaults.Auth;
using Tenancy.Api.Data;
using Tenancy.Api.Provisioning;

namespace Tenancy.Api.Commands;

/// <summary>
/// Operator commands of the Tenancy.Api executable, run instead of the web server:
/// <c>migrate-tenants [--tenant-id ID]... [--dry-run] [--history] [--parallelism N]</c> and <c>init</c>.
/// They read the same configuration as the service (connection strings <c>tenancydb</c>, <c>postgres</c> and any
/// <c>tenants-&lt;server&gt;</c>).
/// </summary>
public static class TenancyCommands
{
    public static bool IsCommand(string[] args) => args.Length > 0 && args[0] is MigrateTenantsCommand.Name or InitCommand.Name;

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = Host.CreateApplicationBuilder(args[1..]);
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
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            stop.Cancel();
        };

        await using var scope = host.Services.CreateAsyncScope();
        return args[0] switch
        {
            MigrateTenantsCommand.Name => await ActivatorUtilities.CreateInstance<MigrateTenantsCommand>(scope.ServiceProvider)
                .RunAsync(MigrateTenantsCommand.Arguments.Parse(args[1..]), stop.Token),
            _ => await ActivatorUtilities.CreateInstance<InitCommand>(scope.ServiceProvider).RunAsync(stop.Token),
        };
    }
}
