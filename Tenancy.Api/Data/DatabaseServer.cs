namespace Tenancy.Api.Data;

/// <summary>
/// A PostgreSQL server tenant databases are placed on (table <c>database_servers</c>): its name and whether it accepts
/// new tenants. How to reach it (host, login) is configuration (<c>ConnectionStrings:tenants-&lt;name&gt;</c>), never a
/// row: tenancydb holds no passwords. Tenancy.Api registers every configured server at start-up, accepting; an
/// operator closes one to new tenants with <c>UPDATE database_servers SET accepting_tenants = false WHERE name = '...'</c>.
/// </summary>
public sealed class DatabaseServer
{
    public const int NameMaxLength = 31;

    public required string Name { get; set; }

    /// <summary>False: the server keeps its tenants but gets no new ones.</summary>
    public bool AcceptingTenants { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}
