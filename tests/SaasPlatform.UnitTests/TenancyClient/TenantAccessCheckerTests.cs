using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SaasPlatform.TenancyClient;

namespace SaasPlatform.UnitTests.TenancyClient;

/// <summary>
/// How long <see cref="TenantAccessChecker"/> keeps an answer, with and without Tenancy.Api's change stream. Tenancy.Api
/// is replaced by a counting HTTP handler (the edge); the end-to-end replicas tests run the real stream.
/// </summary>
public sealed class TenantAccessCheckerTests
{
    private static readonly Guid Tenant = Guid.NewGuid();
    private static readonly Guid User = Guid.NewGuid();

    private readonly FakeTimeProvider _time = new();
    private readonly CountingTenancy _tenancy = new();
    private readonly TenantAccessChecker _checker;

    public TenantAccessCheckerTests() =>
        _checker = new TenantAccessChecker(_tenancy, Options.Create(new TenantAccessOptions()), _time);

    [Fact]
    public async Task Without_the_change_stream_an_answer_is_reused_for_250_ms_only()
    {
        await _checker.FindAsync(Tenant, User);
        _time.Advance(TimeSpan.FromMilliseconds(200));
        await _checker.FindAsync(Tenant, User);
        Assert.Equal(1, _tenancy.Lookups);

        _time.Advance(TimeSpan.FromMilliseconds(100));
        await _checker.FindAsync(Tenant, User);
        Assert.Equal(2, _tenancy.Lookups);
    }

    [Fact]
    public async Task While_following_an_answer_is_kept_until_its_membership_or_tenant_changes()
    {
        _checker.StartFollowing();
        await _checker.FindAsync(Tenant, User);
        _time.Advance(TimeSpan.FromSeconds(30));
        await _checker.FindAsync(Tenant, User);
        Assert.Equal(1, _tenancy.Lookups);

        _checker.Forget($"user_tenant_associations:{Guid.NewGuid()}:{Tenant}");   // another member: kept
        await _checker.FindAsync(Tenant, User);
        Assert.Equal(1, _tenancy.Lookups);

        _checker.Forget($"user_tenant_associations:{User}:{Tenant}");
        await _checker.FindAsync(Tenant, User);
        Assert.Equal(2, _tenancy.Lookups);

        _checker.Forget($"tenants:{Tenant}");
        await _checker.FindAsync(Tenant, User);
        Assert.Equal(3, _tenancy.Lookups);

        // The long bound still ends it (a change lost on the way).
        _time.Advance(new TenantAccessOptions().LiveCacheDuration);
        await _checker.FindAsync(Tenant, User);
        Assert.Equal(4, _tenancy.Lookups);
    }

    [Fact]
    public async Task An_answer_looked_up_before_following_started_or_after_it_stopped_keeps_the_short_bound()
    {
        await _checker.FindAsync(Tenant, User);   // not following: may have missed a change
        _checker.StartFollowing();
        await _checker.FindAsync(Tenant, User);   // everything kept before following was dropped
        Assert.Equal(2, _tenancy.Lookups);

        _checker.StopFollowing();
        _time.Advance(TimeSpan.FromMilliseconds(300));
        await _checker.FindAsync(Tenant, User);
        Assert.Equal(3, _tenancy.Lookups);

        _checker.StartFollowing();   // a new following period: the answer of the old one is not trusted past 250 ms
        _time.Advance(TimeSpan.FromMilliseconds(300));
        await _checker.FindAsync(Tenant, User);
        Assert.Equal(4, _tenancy.Lookups);
    }

    /// <summary>Tenancy.Api's membership endpoint: always "a member, as admin", counting the questions.</summary>
    private sealed class CountingTenancy : HttpMessageHandler, IHttpClientFactory
    {
        public int Lookups { get; private set; }

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Lookups++;
            var json = $$"""{"tenant_id":"{{Tenant}}","tenant_name":"t","database_name":"tenant_x","role":"admin"}""";
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        }
    }
}
