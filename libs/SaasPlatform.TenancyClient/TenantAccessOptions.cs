namespace SaasPlatform.TenancyClient;

/// <summary>Settings of the tenant access check (section <c>TenantData:Access</c>).</summary>
public sealed class TenantAccessOptions
{
    public const string SectionName = "TenantData:Access";

    /// <summary>Tenancy.Api, resolved through service discovery.</summary>
    public Uri TenancyBaseAddress { get; set; } = new("http://tenancy-api");

    /// <summary>
    /// How long an answer (yes or no) is reused. Short enough that a removed member or a deleted tenant loses
    /// access on every replica within a second, the lookup included; long enough that a burst of requests costs one
    /// lookup, which Tenancy.Api answers from memory.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Entries kept at most; expired ones are dropped first when the cache is full.</summary>
    public int MaxCachedEntries { get; set; } = 50_000;
}
