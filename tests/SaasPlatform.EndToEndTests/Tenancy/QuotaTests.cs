using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SaasPlatform.EndToEndTests.Identity;

namespace SaasPlatform.EndToEndTests.Tenancy;

/// <summary>
/// Tenant quotas (docs/decisions/tenant-quotas.md): active tenants per user and creations per hour, refused in the
/// envelope (403 forbidden, 429 rate_limited with Retry-After), raised or lowered per user by an operator
/// through Tenancy.Api's internal endpoint. The test run raises the defaults for the suite's shared users
/// (<see cref="PlatformFixture.TestSettings"/>), so these tests give their own users explicit limits; the default of
/// 20 itself is exercised by <see cref="Resetting_a_user_to_the_defaults_applies_the_configured_limits"/> (the
/// run's configured value) and by the unit test of the options' defaults.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class QuotaTests(PlatformFixture platform)
{
    [Fact]
    public async Task Active_tenant_limit_answers_403_until_a_tenant_is_deleted_or_the_operator_raises_it()
    {
        using var gateway = platform.CreateGatewayClient();
        using var operatorClient = platform.CreateInternalClient("tenancy-api");
        var user = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("quota-active"));
        await SetQuotaAsync(operatorClient, user.UserId, new { max_active_tenants = 3 });

        var tenants = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            tenants.Add((await TenancyApi.NewTenantAsync(gateway, user.AccessToken)).GetProperty("id").GetGuid());
        }

        using (var refused = await TenancyApi.CreateTenantAsync(gateway, user.AccessToken, "One Too Many"))
        {
            var body = await AuthApi.AssertErrorAsync(refused, HttpStatusCode.Forbidden, "forbidden");
            Assert.Contains("at most 3 active tenants", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // The refused attempt left nothing behind.
        var mine = await DataAsync(gateway, user.AccessToken, "/api/tenants");
        Assert.Equal(3, mine.GetArrayLength());

        // Deleting one frees a place.
        using (var deleted = await AuthApi.SendAsync(gateway, HttpMethod.Delete, $"/api/tenants/{tenants[0]}", user.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        await TenancyApi.NewTenantAsync(gateway, user.AccessToken);

        // An operator raises the limit.
        var view = await SetQuotaAsync(operatorClient, user.UserId, new { max_active_tenants = 4 });
        Assert.Equal(4, view.GetProperty("max_active_tenants").GetInt32());
        Assert.Equal(3, view.GetProperty("active_tenants").GetInt32());
        await TenancyApi.NewTenantAsync(gateway, user.AccessToken);
        using var again = await TenancyApi.CreateTenantAsync(gateway, user.AccessToken, "Over Again");
        await AuthApi.AssertErrorAsync(again, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Concurrent_creations_cannot_exceed_the_limit()
    {
        using var gateway = platform.CreateGatewayClient();
        using var operatorClient = platform.CreateInternalClient("tenancy-api");
        var user = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("quota-race"));
        await SetQuotaAsync(operatorClient, user.UserId, new { max_active_tenants = 2 });

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => TenancyApi.CreateTenantAsync(gateway, user.AccessToken, $"Race {i}")));

        Assert.Equal(2, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Forbidden));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Creation_rate_answers_429_with_retry_after_even_when_tenants_are_deleted()
    {
        using var gateway = platform.CreateGatewayClient();
        using var operatorClient = platform.CreateInternalClient("tenancy-api");
        var user = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("quota-rate"));
        await SetQuotaAsync(operatorClient, user.UserId, new { max_active_tenants = 50, max_creations_per_hour = 3 });

        // Create and delete: the active count stays at zero, the rate still counts each database created.
        for (var i = 0; i < 3; i++)
        {
            var id = (await TenancyApi.NewTenantAsync(gateway, user.AccessToken)).GetProperty("id").GetGuid();
            using var deleted = await AuthApi.SendAsync(gateway, HttpMethod.Delete, $"/api/tenants/{id}", user.AccessToken);
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        }

        using var refused = await TenancyApi.CreateTenantAsync(gateway, user.AccessToken, "Too Fast");
        var body = await AuthApi.AssertErrorAsync(refused, HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.Contains("at most 3 per hour", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        var retryAfter = refused.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value, TimeSpan.FromMinutes(55), TimeSpan.FromMinutes(60));

        // Zero blocks creation outright; null goes back to the default.
        await SetQuotaAsync(operatorClient, user.UserId, new { max_creations_per_hour = (int?)null, max_active_tenants = 0 });
        using var blocked = await TenancyApi.CreateTenantAsync(gateway, user.AccessToken, "Blocked");
        await AuthApi.AssertErrorAsync(blocked, HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Resetting_a_user_to_the_defaults_applies_the_configured_limits()
    {
        using var gateway = platform.CreateGatewayClient();
        using var operatorClient = platform.CreateInternalClient("tenancy-api");
        var user = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("quota-reset"));
        await SetQuotaAsync(operatorClient, user.UserId, new { max_active_tenants = 1 });

        using var reset = await operatorClient.DeleteAsync(new Uri($"/internal/users/{user.UserId}/tenant-quota", UriKind.Relative));
        var view = (await reset.JsonAsync()).GetProperty("data");

        Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        Assert.False(view.GetProperty("custom").GetBoolean());
        Assert.Equal(100000, view.GetProperty("max_active_tenants").GetInt32()); // the run's configured default
        await TenancyApi.NewTenantAsync(gateway, user.AccessToken);
        await TenancyApi.NewTenantAsync(gateway, user.AccessToken);
    }

    [Theory]
    [InlineData("{\"max_active_tenants\": -1}", "max_active_tenants")]
    [InlineData("{\"max_active_tenants\": \"20\"}", "max_active_tenants")]
    [InlineData("{\"max_creations_per_hour\": 100001}", "max_creations_per_hour")]
    [InlineData("{\"max_creations_per_hour\": 1.5}", "max_creations_per_hour")]
    public async Task Operator_limits_are_validated(string json, string field)
    {
        using var operatorClient = platform.CreateInternalClient("tenancy-api");
        using var response = await operatorClient.PutAsync(new Uri($"/internal/users/{Guid.NewGuid()}/tenant-quota", UriKind.Relative),
            new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var body = await AuthApi.AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("details").TryGetProperty(field, out _), body.ToString());
    }

    [Fact]
    public async Task The_quota_endpoint_is_internal_only()
    {
        using var gateway = platform.CreateGatewayClient();
        using var direct = platform.CreateDirectClient("tenancy-api");
        var user = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("quota-self"));
        var path = $"/internal/users/{user.UserId}/tenant-quota";

        using var viaGateway = await AuthApi.SendAsync(gateway, HttpMethod.Put, path, user.AccessToken, new { max_active_tenants = 1000 });
        using var withoutKey = await AuthApi.SendAsync(direct, HttpMethod.Put, path, user.AccessToken, new { max_active_tenants = 1000 });

        Assert.Equal(HttpStatusCode.NotFound, viaGateway.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKey.StatusCode);
    }

    private static async Task<JsonElement> SetQuotaAsync(HttpClient operatorClient, Guid userId, object limits)
    {
        using var response = await operatorClient.PutAsJsonAsync(new Uri($"/internal/users/{userId}/tenant-quota", UriKind.Relative), limits);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"quota: {(int)response.StatusCode} {body}");
        return body.GetProperty("data");
    }

    private static async Task<JsonElement> DataAsync(HttpClient gateway, string token, string path)
    {
        using var response = await AuthApi.SendAsync(gateway, HttpMethod.Get, path, token);
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return body.GetProperty("data");
    }
}
