using SaasPlatform.ServiceDefaults;

namespace SaasPlatform.TenancyClient;

/// <summary>Settings of the tenant access check (section <c>TenantData:Access</c>).</summary>
public sealed class TenantAccessOptions
{
    public const string SectionName = "TenantData:Access";

    /// <summary>Tenancy.Api, resolved through service discovery.</summary>
    public Uri TenancyBaseAddress { get; set; } = PlatformServices.Address(PlatformServices.TenancyApi);

    /// <summary>
    /// How long an answer (yes or no) is reused when Tenancy.Api's changes are not being followed (its change stream
    /// is down). Short enough that a removed member or a deleted tenant loses access on every replica within a
    /// second, the lookup included; long enough that a burst of requests costs one lookup.
    /// </summary>
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// How long an answer is reused at most while Tenancy.Api's changes are followed (<c>/internal/changes</c>): a
    /// change drops it at once, so this only bounds the damage of a change lost on the way.
    /// </summary>
    public TimeSpan LiveCacheDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long the change stream may say nothing (it sends an empty line every 2 s) before it is reopened.</summary>
    public TimeSpan ChangeStreamSilence { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Entries kept at most; expired ones are dropped first when the cache is full.</summary>
    public int MaxCachedEntries { get; set; } = 50_000;
}
