using System.Collections.Concurrent;

namespace SaasPlatform.TenancyClient;

/// <summary>
/// Which tenant server holds a tenant database, from the tenant's record in Tenancy.Api
/// (docs/decisions/tenant-placement.md). Answers that name the server (the access check, the list of tenant databases)
/// are remembered here; a database known only by name (from an event) is looked up once
/// (<c>GET /internal/tenant-databases/{name}</c>). A placement never changes, so an answer is kept for the life of
/// the process (a few dozen bytes per tenant seen). With one server (<paramref name="singleServer"/>) every database
/// is on <see cref="Main"/> and nothing is asked or kept.
/// </summary>
public sealed class TenantDatabaseLocator(bool singleServer, Func<string, CancellationToken, Task<string?>>? lookUp = null)
{
    /// <summary>The server every tenant created before placement existed lives on.</summary>
    public const string Main = "main";

    private readonly ConcurrentDictionary<string, string> _known = new(StringComparer.Ordinal);

    /// <summary>Notes where <paramref name="database"/> is, as a tenant record said.</summary>
    public void Record(string database, string server)
    {
        if (!singleServer)
        {
            _known[database] = server;
        }
    }

    /// <summary>The server of <paramref name="database"/> when known without asking.</summary>
    public bool TryLocate(string database, out string server)
    {
        if (singleServer)
        {
            server = Main;
            return true;
        }

        return _known.TryGetValue(database, out server!);
    }

    /// <summary>
    /// The server of <paramref name="database"/>. A database Tenancy.Api has no record of is looked for on main, where
    /// opening it fails as it always did for a missing database (3D000); that answer is not kept.
    /// </summary>
    public async ValueTask<string> LocateAsync(string database, CancellationToken cancellationToken)
    {
        if (TryLocate(database, out var server))
        {
            return server;
        }

        if (lookUp is null || await lookUp(database, cancellationToken) is not { } recorded)
        {
            return Main;
        }

        Record(database, recorded);
        return recorded;
    }
}
