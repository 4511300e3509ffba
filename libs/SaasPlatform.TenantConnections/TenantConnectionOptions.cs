namespace SaasPlatform.TenantConnections;

/// <summary>
/// Bounds of the tenant connection registry (section <c>TenantData:Connections</c>). A process never holds more than
/// <see cref="MaxOpenDataSources"/> × <see cref="MaxPoolSizePerTenant"/> connections to tenant databases, however many
/// tenants exist: with the defaults 8 × 2 = 16, so a handful of services fit under PostgreSQL's max_connections=100.
/// </summary>
public sealed class TenantConnectionOptions
{
    public const string SectionName = "TenantData:Connections";

    /// <summary>Name of the server connection string (no database) under <c>ConnectionStrings</c>.</summary>
    public string ServerConnectionStringName { get; set; } = "postgres";

    /// <summary>Connections one tenant may hold at once (its pool's Maximum Pool Size).</summary>
    public int MaxPoolSizePerTenant { get; set; } = 2;

    /// <summary>Tenant pools kept at once; the least recently used idle one is closed to make room.</summary>
    public int MaxOpenDataSources { get; set; } = 8;

    /// <summary>A tenant pool unused this long is closed (its connections given back to the server).</summary>
    public TimeSpan IdleDataSourceTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How long idle pooled connections stay open inside a live tenant pool.</summary>
    public TimeSpan ConnectionIdleLifetime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a caller waits for a free pool slot when every slot is busy before giving up.</summary>
    public TimeSpan AcquireTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
