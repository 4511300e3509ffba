using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Options;
using SaasPlatform.ServiceDefaults;
using SaasPlatform.ServiceDefaults.Http;

namespace SaasPlatform.TenancyClient;

/// <summary>
/// The per-request tenant check of every service that serves tenant data. Asks Tenancy.Api (the owner of memberships)
/// and reuses each answer, positive or negative: while <see cref="TenancyChangeFollower"/> hears Tenancy's changes,
/// until the tenant or the membership changes (at most <see cref="TenantAccessOptions.LiveCacheDuration"/>), otherwise
/// for at most <see cref="TenantAccessOptions.CacheDuration"/>. Either way a hot path costs no round trip while a
/// removed member or a deleted tenant is refused within a second (docs/decisions/cache-invalidation.md).
/// Concurrent checks of the same pair share one lookup. Each answer also says which server holds the tenant's
/// database, noted in the <paramref name="locator"/> for the connection registry (docs/decisions/tenant-placement.md).
/// </summary>
public sealed class TenantAccessChecker(
    IHttpClientFactory httpClientFactory, IOptions<TenantAccessOptions> options, TimeProvider time, TenantDatabaseLocator? locator = null)
{
    private const string TenantsChange = "tenants:";
    private const string MembershipsChange = "user_tenant_associations:";

    private readonly ConcurrentDictionary<(Guid Tenant, Guid User), CachedLookup> _cache = new();

    // Odd while changes are being followed; each start and stop of following moves it, so an answer looked up in an
    // earlier period (which may have missed a change) is never kept past the short bound.
    private long _followingEpoch;

    /// <summary>Whether Tenancy.Api's changes are being followed (answers kept until they change).</summary>
    public bool IsFollowing => (Interlocked.Read(ref _followingEpoch) & 1) == 1;

    /// <summary>Changes are heard from now on: what was kept before may have missed some, so it goes.</summary>
    public void StartFollowing()
    {
        if ((Interlocked.Read(ref _followingEpoch) & 1) == 0)
        {
            Interlocked.Increment(ref _followingEpoch);
        }

        _cache.Clear();
    }

    /// <summary>Changes are no longer heard: answers are reused for the short bound only.</summary>
    public void StopFollowing()
    {
        if ((Interlocked.Read(ref _followingEpoch) & 1) == 1)
        {
            Interlocked.Increment(ref _followingEpoch);
        }
    }

    /// <summary>
    /// A change of Tenancy.Api's database (<c>tenants:{id}</c>, <c>user_tenant_associations:{user}:{tenant}</c>):
    /// the answers it may change are dropped.
    /// </summary>
    public void Forget(string change)
    {
        if (change.StartsWith(MembershipsChange, StringComparison.Ordinal)
            && change[MembershipsChange.Length..].Split(':') is [var user, var tenant]
            && Guid.TryParse(user, out var userId) && Guid.TryParse(tenant, out var tenantId))
        {
            _cache.TryRemove((tenantId, userId), out _);
        }
        else if (change.StartsWith(TenantsChange, StringComparison.Ordinal) && Guid.TryParse(change.AsSpan(TenantsChange.Length), out var changedTenant))
        {
            foreach (var key in _cache.Keys)
            {
                if (key.Tenant == changedTenant)
                {
                    _cache.TryRemove(key, out _);
                }
            }
        }
    }

    /// <summary>The membership of a user in an active tenant, or null; cached briefly.</summary>
    public async Task<TenantMembership?> FindAsync(Guid tenantId, Guid userId, CancellationToken cancellationToken = default)
    {
        var key = (tenantId, userId);
        var now = time.GetTimestamp();
        if (_cache.TryGetValue(key, out var cached) && IsFresh(cached, now))
        {
            return await cached.Lookup.WaitAsync(cancellationToken);
        }

        // The entry's age counts from before the question was asked, so no answer is ever used past its bound.
        var lookup = new CachedLookup(now, Interlocked.Read(ref _followingEpoch), LookUpAsync(tenantId, userId));
        _cache[key] = lookup;
        TrimIfFull(now);
        try
        {
            return await lookup.Lookup.WaitAsync(cancellationToken);
        }
        catch when (lookup.Lookup.IsFaulted || lookup.Lookup.IsCanceled)
        {
            _cache.TryRemove(KeyValuePair.Create(key, lookup));
            throw;
        }
    }

    private async Task<TenantMembership?> LookUpAsync(Guid tenantId, Guid userId)
    {
        // Not tied to one caller's cancellation: other requests may be waiting on the same lookup.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var http = httpClientFactory.CreateClient(nameof(TenantAccessChecker));
        try
        {
            using var response = await http.GetAsync(new Uri(options.Value.TenancyBaseAddress, PlatformServices.Routes.Membership(tenantId, userId)), timeout.Token);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return null;
            }

            // A 5xx (Tenancy.Api starting, its database restarting) is an HttpRequestException: answered 503 by the envelope.
            response.EnsureSuccessStatusCode();
            var membership = await response.Content.ReadFromJsonAsync<TenantMembership>(Microsoft.Extensions.Hosting.Extensions.WireJson, timeout.Token)
                ?? throw new InvalidOperationException("Tenancy.Api returned an empty membership");
            locator?.Record(membership.DatabaseName, membership.TenantServer);
            return membership;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            // Our own deadline, not a caller leaving: a dependency too slow to answer (503, with HttpRequestException and
            // Polly's BrokenCircuitException/TimeoutRejectedException, in SaasPlatform.ServiceDefaults/Http/EnvelopeErrorHandling.cs).
            throw new TimeoutException("Tenancy.Api did not answer the membership lookup in time", ex);
        }
    }

    private void TrimIfFull(long now)
    {
        if (_cache.Count <= options.Value.MaxCachedEntries)
        {
            return;
        }

        foreach (var (key, entry) in _cache)
        {
            if (!IsFresh(entry, now))
            {
                _cache.TryRemove(KeyValuePair.Create(key, entry));
            }
        }
    }

    /// <summary>Within the short bound, or looked up while changes are followed, in the same following period.</summary>
    private bool IsFresh(CachedLookup entry, long now)
    {
        var age = time.GetElapsedTime(entry.StartedAt, now);
        var epoch = Interlocked.Read(ref _followingEpoch);
        return age < options.Value.CacheDuration
            || (entry.FollowingEpoch == epoch && (epoch & 1) == 1 && age < options.Value.LiveCacheDuration);
    }

    private sealed record CachedLookup(long StartedAt, long FollowingEpoch, Task<TenantMembership?> Lookup);
}
