using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SaasPlatform.EndToEndTests.Identity;
using SaasPlatform.EndToEndTests.Tenancy;
using Xunit.Abstractions;

namespace SaasPlatform.EndToEndTests.Events;

/// <summary>
/// Audit events produced by a real service (Tenancy.Api, through its outbox), consumed by Events.Worker and read
/// back through the gateway with <c>GET /api/tenants/{id}/audit</c> (decision D17).
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class AuditLogTests(PlatformFixture platform, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Admin_reads_the_tenant_audit_log_newest_first_and_paged()
    {
        using var gateway = platform.CreateGatewayClient();
        var admin = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("audit-admin"));
        var tenantId = (await TenancyApi.NewTenantAsync(gateway, admin.AccessToken)).GetProperty("id").GetGuid();
        for (var i = 1; i <= 3; i++)
        {
            await RenameAsync(gateway, admin.AccessToken, tenantId, $"Audited Company {i} {Guid.NewGuid():N}");
        }

        // tenant.created + three tenant.updated.
        var page = await WaitForAuditAsync(gateway, admin.AccessToken, tenantId, 4);

        var first = await GetAuditAsync(gateway, admin.AccessToken, tenantId, "?page=1&per_page=3");
        var second = await GetAuditAsync(gateway, admin.AccessToken, tenantId, "?page=2&per_page=3");
        var pagination = first.GetProperty("pagination");
        Assert.Equal(4, pagination.GetProperty("total").GetInt32());
        Assert.Equal(2, pagination.GetProperty("pages").GetInt32());
        Assert.Equal(3, pagination.GetProperty("per_page").GetInt32());
        var entries = first.GetProperty("audit_logs").EnumerateArray().Concat(second.GetProperty("audit_logs").EnumerateArray()).ToList();
        Assert.Equal(4, entries.Count);
        Assert.Equal(["tenant.updated", "tenant.updated", "tenant.updated", "tenant.created"], entries.Select(e => e.GetProperty("action").GetString()));
        var times = entries.Select(e => DateTimeOffset.Parse(e.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.OrderDescending(), times);
        Assert.All(entries, e => Assert.Equal(admin.UserId, e.GetProperty("user_id").GetGuid()));
        Assert.All(entries, e => Assert.Equal(tenantId, e.GetProperty("tenant_id").GetGuid()));
        Assert.Equal("tenant", entries[0].GetProperty("resource_type").GetString());
        Assert.StartsWith("Audited Company 3", entries[0].GetProperty("details").GetProperty("name").GetString(), StringComparison.Ordinal);
        output.WriteLine(page.ToString());
    }

    [Fact]
    public async Task Tenant_created_event_is_verified_against_the_tenant_database()
    {
        using var gateway = platform.CreateGatewayClient();
        var admin = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("audit-verify"));
        var tenantId = (await TenancyApi.NewTenantAsync(gateway, admin.AccessToken)).GetProperty("id").GetGuid();
        await using var events = await EventsDatabase.OpenAsync(platform);

        Assert.True(await EventsDatabase.WaitUntilAsync(async () => await events.CountAsync(
                "SELECT count(*) FROM inbox_events WHERE tenant_id = @t AND handler = 'VerifyTenantDatabase' AND outcome = 'handled' AND detail LIKE 'schema current:%'",
                ("t", tenantId)) == 1, Patience),
            "tenant.created was not verified as reachable and at the current schema");
    }

    [Fact]
    public async Task Only_admins_of_the_tenant_may_read_its_audit_log()
    {
        using var gateway = platform.CreateGatewayClient();
        var admin = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("audit-owner"));
        var viewer = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("audit-viewer"));
        var outsider = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("audit-outsider"));
        var tenantId = (await TenancyApi.NewTenantAsync(gateway, admin.AccessToken)).GetProperty("id").GetGuid();
        await TenancyApi.AddMemberAsync(gateway, admin.AccessToken, tenantId, viewer.UserId, "viewer");

        await AuthApi.AssertErrorAsync(await AuthApi.SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{tenantId}/audit", null), HttpStatusCode.Unauthorized, "unauthorized");
        await AuthApi.AssertErrorAsync(await AuthApi.SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{tenantId}/audit", outsider.AccessToken), HttpStatusCode.NotFound, "not_found");
        await AuthApi.AssertErrorAsync(await AuthApi.SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{tenantId}/audit", viewer.AccessToken), HttpStatusCode.Forbidden, "forbidden");
        await AuthApi.AssertErrorAsync(await AuthApi.SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{Guid.NewGuid()}/audit", admin.AccessToken), HttpStatusCode.NotFound, "not_found");
        await AuthApi.AssertErrorAsync(await AuthApi.SendAsync(gateway, HttpMethod.Get, "/api/tenants/not-a-uuid/audit", admin.AccessToken), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(HttpStatusCode.OK, (await AuthApi.SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{tenantId}/audit", admin.AccessToken)).StatusCode);
    }

    [Theory]
    [InlineData("?page=0", "page")]
    [InlineData("?page=abc", "page")]
    [InlineData("?per_page=0", "per_page")]
    [InlineData("?per_page=101", "per_page")]
    public async Task Paging_out_of_bounds_is_a_validation_error(string query, string field)
    {
        using var gateway = platform.CreateGatewayClient();
        var admin = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("audit-paging"));
        var tenantId = (await TenancyApi.NewTenantAsync(gateway, admin.AccessToken)).GetProperty("id").GetGuid();

        var body = await AuthApi.AssertErrorAsync(
            await AuthApi.SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{tenantId}/audit{query}", admin.AccessToken),
            HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("details").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task Operations_during_a_kafka_outage_are_all_audited_exactly_once_after_it_returns()
    {
        const int operations = 50;
        using var gateway = platform.CreateGatewayClient();
        using var broker = platform.CreateDirectClient("kafka-dev-broker");
        var admin = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("audit-outage"));
        var tenantId = (await TenancyApi.NewTenantAsync(gateway, admin.AccessToken)).GetProperty("id").GetGuid();
        await WaitForAuditAsync(gateway, admin.AccessToken, tenantId, 1);

        (await broker.PostAsync(new Uri("/broker/down", UriKind.Relative), null)).EnsureSuccessStatusCode();
        try
        {
            // The service keeps answering while Kafka is away: the events wait in its outbox.
            for (var i = 0; i < operations; i++)
            {
                await RenameAsync(gateway, admin.AccessToken, tenantId, $"Outage Company {i} {Guid.NewGuid():N}");
            }

            await Task.Delay(TimeSpan.FromSeconds(3));
            var during = await GetAuditAsync(gateway, admin.AccessToken, tenantId, "");
            Assert.Equal(1, during.GetProperty("pagination").GetProperty("total").GetInt32());
        }
        finally
        {
            (await broker.PostAsync(new Uri("/broker/up", UriKind.Relative), null)).EnsureSuccessStatusCode();
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await WaitForAuditAsync(gateway, admin.AccessToken, tenantId, operations + 1, TimeSpan.FromSeconds(120));
        output.WriteLine($"{operations} operations audited {clock.Elapsed.TotalSeconds:F1} s after the broker returned");
        await Task.Delay(TimeSpan.FromSeconds(5));
        var after = await GetAuditAsync(gateway, admin.AccessToken, tenantId, "?per_page=100");
        var updates = after.GetProperty("audit_logs").EnumerateArray().Where(e => e.GetProperty("action").GetString() == "tenant.updated").ToList();
        output.WriteLine($"audit total {after.GetProperty("pagination").GetProperty("total").GetInt32()}, tenant.updated {updates.Count}, distinct names {updates.Select(u => u.GetProperty("details").GetProperty("name").GetString()).Distinct().Count()}");
        Assert.Equal(operations + 1, after.GetProperty("pagination").GetProperty("total").GetInt32());
        Assert.Equal(operations, updates.Select(u => u.GetProperty("details").GetProperty("name").GetString()).Distinct().Count());
    }

    private static async Task RenameAsync(HttpClient gateway, string token, Guid tenantId, string name)
    {
        using var response = await AuthApi.SendAsync(gateway, HttpMethod.Put, $"/api/tenants/{tenantId}", token, new { name });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<JsonElement> GetAuditAsync(HttpClient gateway, string token, Guid tenantId, string query)
    {
        using var response = await AuthApi.SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{tenantId}/audit{query}", token);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"audit: {(int)response.StatusCode} {body}");
        Assert.True(body.GetProperty("success").GetBoolean());
        return body.GetProperty("data");
    }

    private static async Task<JsonElement> WaitForAuditAsync(HttpClient gateway, string token, Guid tenantId, int count, TimeSpan? timeout = null)
    {
        JsonElement page = default;
        var reached = await EventsDatabase.WaitUntilAsync(async () =>
        {
            page = await GetAuditAsync(gateway, token, tenantId, "?per_page=100");
            return page.GetProperty("pagination").GetProperty("total").GetInt32() >= count;
        }, timeout ?? Patience);
        Assert.True(reached, $"expected {count} audit entries, got {page}");
        return page;
    }
}
