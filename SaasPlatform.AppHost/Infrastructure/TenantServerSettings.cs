using System.Globalization;

namespace SaasPlatform.AppHost.Infrastructure;

/// <summary>
/// <c>--Platform:TenantServers=N</c> (default 1): how many PostgreSQL servers hold tenant databases
/// (docs/decisions/tenant-placement.md). The first is the platform's server, <c>main</c>; the others, <c>pg2</c> ...
/// <c>pgN</c>, hold tenant databases only and reach the services as <c>ConnectionStrings:tenants-pgN</c>.
/// </summary>
public static class TenantServerSettings
{
    public const string SettingName = "Platform:TenantServers";

    /// <summary>Names of the servers beside main, in order.</summary>
    public static IReadOnlyList<string> AdditionalServers(IConfiguration configuration) =>
        [.. Enumerable.Range(2, Count(configuration) - 1).Select(n => $"pg{n.ToString(CultureInfo.InvariantCulture)}")];

    public static int Count(IConfiguration configuration) => configuration[SettingName] switch
    {
        null or "" => 1,
        var value when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is > 0 and <= 8 => n,
        var value => throw new InvalidOperationException($"{SettingName} must be a whole number from 1 to 8, not '{value}'"),
    };

    /// <summary>The connection string name a service reads a tenant server under (SaasPlatform.TenantConnections' TenantServers).</summary>
    public static string ConnectionStringName(string server) => "tenants-" + server;
}
