using Microsoft.Extensions.Configuration;

namespace SaasPlatform.TenantConnections;

/// <summary>
/// The PostgreSQL servers that hold tenant databases, by name, as this service's login reaches them
/// (docs/decisions/tenant-placement.md). <see cref="Main"/> is <c>ConnectionStrings:postgres</c> (the setting every
/// single-server deployment already has); every further server <c>x</c> is <c>ConnectionStrings:tenants-x</c>.
/// Connection strings come from configuration only: tenancydb records a tenant's server by name, never a password.
/// </summary>
public sealed class TenantServers
{
    /// <summary>The server every tenant created before placement existed lives on.</summary>
    public const string Main = TenancyClient.TenantDatabaseLocator.Main;

    /// <summary>Connection strings named <c>tenants-&lt;server&gt;</c> name the servers beside <see cref="Main"/>.</summary>
    public const string ConnectionStringPrefix = "tenants-";

    private readonly Dictionary<string, string> _connectionStrings;

    public TenantServers(IReadOnlyDictionary<string, string> connectionStrings)
    {
        if (!connectionStrings.ContainsKey(Main))
        {
            throw new ArgumentException($"The tenant servers must include '{Main}'", nameof(connectionStrings));
        }

        foreach (var (name, connectionString) in connectionStrings)
        {
            Ensure(name);
            ArgumentException.ThrowIfNullOrWhiteSpace(connectionString, name);
        }

        _connectionStrings = new Dictionary<string, string>(connectionStrings, StringComparer.Ordinal);
        Names = [.. _connectionStrings.Keys.OrderBy(n => n == Main ? "" : n, StringComparer.Ordinal)];
    }

    /// <summary>Only <see cref="Main"/>: every tenant is there, no lookup of a tenant's server is ever needed.</summary>
    public static TenantServers Single(string connectionString) => new(new Dictionary<string, string> { [Main] = connectionString });

    /// <summary>Server names, <see cref="Main"/> first.</summary>
    public IReadOnlyList<string> Names { get; }

    public bool IsSingle => _connectionStrings.Count == 1;

    public bool Contains(string server) => _connectionStrings.ContainsKey(server);

    /// <summary>The server's connection string (maintenance database), under this service's login.</summary>
    public string ConnectionString(string server) =>
        _connectionStrings.TryGetValue(server, out var connectionString)
            ? connectionString
            : throw new UnknownTenantServerException(server);

    /// <summary>
    /// <see cref="Main"/> from <c>ConnectionStrings:&lt;mainConnectionStringName&gt;</c>, the others from
    /// <c>ConnectionStrings:tenants-&lt;name&gt;</c>.
    /// </summary>
    public static TenantServers FromConfiguration(IConfiguration configuration, string mainConnectionStringName)
    {
        var main = configuration.GetConnectionString(mainConnectionStringName)
            ?? throw new InvalidOperationException($"ConnectionStrings:{mainConnectionStringName} (the PostgreSQL server of tenant databases) is not configured");
        var servers = new Dictionary<string, string>(StringComparer.Ordinal) { [Main] = main };
        foreach (var entry in configuration.GetSection("ConnectionStrings").GetChildren())
        {
            if (entry.Key.StartsWith(ConnectionStringPrefix, StringComparison.Ordinal) && entry.Value is { Length: > 0 } value)
            {
                var name = entry.Key[ConnectionStringPrefix.Length..];
                if (!IsValidName(name) || name == Main)
                {
                    throw new InvalidOperationException($"ConnectionStrings:{entry.Key}: a tenant server name is [a-z][a-z0-9_]{{0,30}} and not '{Main}'");
                }

                servers[name] = value;
            }
        }

        return new TenantServers(servers);
    }

    /// <summary>The names of the configured servers (main first), without requiring their connection strings yet.</summary>
    public static IReadOnlyList<string> ConfiguredNames(IConfiguration configuration) =>
    [
        Main,
        .. configuration.GetSection("ConnectionStrings").GetChildren()
            .Where(c => c.Key.StartsWith(ConnectionStringPrefix, StringComparison.Ordinal) && !string.IsNullOrEmpty(c.Value))
            .Select(c => c.Key[ConnectionStringPrefix.Length..])
            .Where(n => IsValidName(n) && n != Main)
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Server names are short identifiers: they are stored in tenancydb and appear in connection string names.</summary>
    public static bool IsValidName(string? name) =>
        name is { Length: > 0 and <= 31 } && name[0] is >= 'a' and <= 'z' && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');

    public static string Ensure(string name) =>
        IsValidName(name) ? name : throw new ArgumentException($"Invalid tenant server name '{name}'", nameof(name));
}

/// <summary>A tenant is recorded on a server this service has no connection string for (a configuration fault).</summary>
public sealed class UnknownTenantServerException(string server)
    : InvalidOperationException($"Tenant server '{server}' is not configured here (ConnectionStrings:{TenantServers.ConnectionStringPrefix}{server})")
{
    public string Server { get; } = server;
}
