using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using SaasPlatform.EndToEndTests.Identity;

namespace SaasPlatform.EndToEndTests.Tenancy;

/// <summary>
/// The tenant and member API through the gateway (contract §2.7, D4, D5, D7), including the cases of the original's
/// test_tenant_operations.py.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed partial class TenantFlowTests(PlatformFixture platform)
{
    private readonly HttpClient _gateway = platform.CreateGatewayClient();

    [Fact]
    public async Task Create_tenant_returns_the_tenant_with_admin_role_and_its_database_carries_the_schema()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");

        using var response = await TenancyApi.CreateTenantAsync(_gateway, admin.AccessToken, "  Test Company  ");

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.JsonAsync();
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("Tenant created successfully", body.GetProperty("message").GetString());
        var data = body.GetProperty("data");
        Assert.Equal("Test Company", data.GetProperty("name").GetString());
        Assert.Equal("admin", data.GetProperty("role").GetString());
        Assert.True(data.GetProperty("is_active").GetBoolean());
        Assert.Equal(admin.UserId, data.GetProperty("created_by").GetGuid());
        var database = data.GetProperty("database_name").GetString()!;
        Assert.Matches(DatabaseNamePattern(), database);
        Assert.StartsWith("tenant_test_company_", database, StringComparison.Ordinal);
        Assert.EndsWith("+00:00", data.GetProperty("created_at").GetString(), StringComparison.Ordinal);

        // 201 means the database exists with the current tenant schema (D7).
        Assert.True(await TenancyApi.DatabaseExistsAsync(platform, database));
        Assert.Equal(3L, await TenancyApi.ScalarAsync<long>(platform, database,
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('files', 'documents', 'outbox_messages')"));
        Assert.True(await TenancyApi.ScalarAsync<long>(platform, database, "SELECT count(*) FROM \"__EFMigrationsHistory\"") >= 1);
    }

    [Fact]
    public async Task Create_tenant_without_auth_is_401()
    {
        using var response = await _gateway.PostAsJsonAsync("/api/tenants", new { name = "No Auth" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"name\": \"\"}")]
    [InlineData("{\"name\": \"   \"}")]
    [InlineData("{\"name\": null}")]
    [InlineData("{\"name\": 42}")]
    [InlineData("{}")]
    public async Task Invalid_names_are_validation_errors_on_name(string json)
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");

        using var response = await _gateway.SendAsync(TenancyApi.Raw(HttpMethod.Post, "/api/tenants", admin.AccessToken, json, "application/json"));

        var body = await AuthApi.AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error");
        Assert.True(body.GetProperty("details").TryGetProperty("name", out _));
    }

    [Fact]
    public async Task A_name_of_256_characters_is_refused_and_255_accepted()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");

        using var tooLong = await TenancyApi.CreateTenantAsync(_gateway, admin.AccessToken, new string('a', 256));
        await AuthApi.AssertErrorAsync(tooLong, HttpStatusCode.BadRequest, "validation_error");

        var tenant = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken, new string('A', 255));
        Assert.Equal(63, tenant.GetProperty("database_name").GetString()!.Length);
    }

    [Fact]
    public async Task Malformed_json_is_400_and_wrong_content_type_415()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");

        using var malformed = await _gateway.SendAsync(TenancyApi.Raw(HttpMethod.Post, "/api/tenants", admin.AccessToken, "{\"name\": ", "application/json"));
        await AuthApi.AssertErrorAsync(malformed, HttpStatusCode.BadRequest, "bad_request");

        using var text = await _gateway.SendAsync(TenancyApi.Raw(HttpMethod.Post, "/api/tenants", admin.AccessToken, "name=x", "text/plain"));
        await AuthApi.AssertErrorAsync(text, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task List_shows_own_active_tenants_newest_membership_first_and_not_others()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var outsider = await TenancyApi.UserAsync(_gateway, "outsider");
        var first = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken, "Test Company");
        var second = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken);
        var foreign = await TenancyApi.NewTenantAsync(_gateway, outsider.AccessToken);

        foreach (var path in new[] { "/api/tenants", "/api/users/me/tenants" })
        {
            using var response = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, path, admin.AccessToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var data = (await response.JsonAsync()).GetProperty("data");
            var ids = data.EnumerateArray().Select(t => t.GetProperty("id").GetGuid()).ToList();
            Assert.Contains(first.GetProperty("id").GetGuid(), ids);
            Assert.DoesNotContain(foreign.GetProperty("id").GetGuid(), ids);
            Assert.True(ids.IndexOf(second.GetProperty("id").GetGuid()) < ids.IndexOf(first.GetProperty("id").GetGuid()));
            Assert.Contains(data.EnumerateArray(), t => t.GetProperty("name").GetString() == "Test Company");
            var item = data.EnumerateArray().First();
            Assert.Equal("admin", item.GetProperty("role").GetString());
            Assert.True(item.TryGetProperty("joined_at", out _));
            Assert.True(item.TryGetProperty("database_name", out _));
        }
    }

    [Fact]
    public async Task Details_show_the_role_and_members_with_user_fields()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var member = await TenancyApi.UserAsync(_gateway, "member");
        var tenant = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken);
        var id = tenant.GetProperty("id").GetGuid();
        await TenancyApi.AddMemberAsync(_gateway, admin.AccessToken, id, member.UserId, "user");

        using var response = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{id}", member.AccessToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = (await response.JsonAsync()).GetProperty("data");
        Assert.Equal(id, data.GetProperty("id").GetGuid());
        Assert.Equal("user", data.GetProperty("role").GetString());
        var members = data.GetProperty("members").EnumerateArray().ToList();
        Assert.Equal(2, members.Count);
        Assert.Equal(admin.UserId, members[0].GetProperty("id").GetGuid()); // oldest membership first
        Assert.Equal(admin.Email, members[0].GetProperty("email").GetString());
        Assert.Equal("admin", members[0].GetProperty("role").GetString());
        Assert.Equal("user", members[1].GetProperty("role").GetString());
        foreach (var field in new[] { "first_name", "last_name", "is_active", "created_at", "updated_at", "joined_at" })
        {
            Assert.True(members[1].TryGetProperty(field, out _), field);
        }
    }

    [Fact]
    public async Task A_non_member_gets_404_everywhere_and_a_malformed_id_is_404()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var outsider = await TenancyApi.UserAsync(_gateway, "outsider");
        var tenant = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken);
        var id = tenant.GetProperty("id").GetGuid();

        foreach (var (method, path, json) in TenantScopedCalls(id, admin.UserId, outsider.UserId))
        {
            using var response = await TenancyApi.SendAsync(_gateway, method, path, outsider.AccessToken, json);
            await AuthApi.AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
        }

        using var missing = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{Guid.NewGuid()}", admin.AccessToken);
        var body = await AuthApi.AssertErrorAsync(missing, HttpStatusCode.NotFound, "not_found");
        Assert.Contains("not found", body.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);

        foreach (var path in new[] { "/api/tenants/not-a-uuid", "/api/tenants/not-a-uuid/users", $"/api/tenants/{id}/users/not-a-uuid" })
        {
            using var response = await TenancyApi.SendAsync(_gateway, path.EndsWith("users", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Delete, path,
                admin.AccessToken, new { user_id = outsider.UserId, role = "user" });
            await AuthApi.AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
        }
    }

    [Theory]
    [InlineData("user")]
    [InlineData("viewer")]
    public async Task Members_below_admin_read_but_get_403_on_admin_operations(string role)
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var member = await TenancyApi.UserAsync(_gateway, role == "user" ? "member" : "viewer");
        var other = await TenancyApi.UserAsync(_gateway, "outsider");
        var tenant = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken);
        var id = tenant.GetProperty("id").GetGuid();
        await TenancyApi.AddMemberAsync(_gateway, admin.AccessToken, id, member.UserId, role);

        using (var read = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{id}", member.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal(role, (await read.JsonAsync()).GetProperty("data").GetProperty("role").GetString());
        }

        foreach (var (method, path, json) in TenantScopedCalls(id, admin.UserId, other.UserId).Where(c => c.Method != HttpMethod.Get))
        {
            using var response = await TenancyApi.SendAsync(_gateway, method, path, member.AccessToken, json);
            await AuthApi.AssertErrorAsync(response, HttpStatusCode.Forbidden, "forbidden");
        }

        // Nothing changed.
        using var details = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{id}", admin.AccessToken);
        var data = (await details.JsonAsync()).GetProperty("data");
        Assert.Equal(tenant.GetProperty("name").GetString(), data.GetProperty("name").GetString());
        Assert.Equal(2, data.GetProperty("members").GetArrayLength());
    }

    [Fact]
    public async Task Admin_adds_members_with_each_role_and_validation_applies()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var member = await TenancyApi.UserAsync(_gateway, "member");
        var viewer = await TenancyApi.UserAsync(_gateway, "viewer");
        var tenant = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken);
        var id = tenant.GetProperty("id").GetGuid();
        var path = $"/api/tenants/{id}/users";

        using (var added = await TenancyApi.SendAsync(_gateway, HttpMethod.Post, path, admin.AccessToken, new { user_id = member.UserId, role = "user" }))
        {
            Assert.Equal(HttpStatusCode.Created, added.StatusCode);
            var data = (await added.JsonAsync()).GetProperty("data");
            Assert.Equal("user", data.GetProperty("role").GetString());
            Assert.Equal(member.UserId, data.GetProperty("user_id").GetGuid());
            Assert.Equal(id, data.GetProperty("tenant_id").GetGuid());
            Assert.True(data.TryGetProperty("joined_at", out _));
        }

        await TenancyApi.AddMemberAsync(_gateway, admin.AccessToken, id, viewer.UserId, "viewer");

        using (var duplicate = await TenancyApi.SendAsync(_gateway, HttpMethod.Post, path, admin.AccessToken, new { user_id = member.UserId, role = "viewer" }))
        {
            var body = await AuthApi.AssertErrorAsync(duplicate, HttpStatusCode.BadRequest, "bad_request");
            Assert.Contains("already", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        using (var unknown = await TenancyApi.SendAsync(_gateway, HttpMethod.Post, path, admin.AccessToken, new { user_id = Guid.NewGuid(), role = "user" }))
        {
            var body = await AuthApi.AssertErrorAsync(unknown, HttpStatusCode.NotFound, "not_found");
            Assert.Contains("User not found", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        foreach (var invalid in new object[]
        {
            new { user_id = "some-user-id", role = "user" },
            new { user_id = member.UserId, role = "Admin" },
            new { user_id = member.UserId, role = "owner" },
            new { role = "user" },
            new { user_id = member.UserId },
        })
        {
            using var response = await TenancyApi.SendAsync(_gateway, HttpMethod.Post, path, admin.AccessToken, invalid);
            await AuthApi.AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error");
        }
    }

    [Fact]
    public async Task Removing_a_member_takes_away_access_and_the_last_admin_stays()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var member = await TenancyApi.UserAsync(_gateway, "member");
        var tenant = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken);
        var id = tenant.GetProperty("id").GetGuid();
        await TenancyApi.AddMemberAsync(_gateway, admin.AccessToken, id, member.UserId, "user");

        using (var removed = await TenancyApi.SendAsync(_gateway, HttpMethod.Delete, $"/api/tenants/{id}/users/{member.UserId}", admin.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
            var body = await removed.JsonAsync();
            Assert.True(body.GetProperty("success").GetBoolean());
            Assert.False(body.TryGetProperty("data", out _));
        }

        using (var gone = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{id}", member.AccessToken))
        {
            await AuthApi.AssertErrorAsync(gone, HttpStatusCode.NotFound, "not_found");
        }

        using (var notMember = await TenancyApi.SendAsync(_gateway, HttpMethod.Delete, $"/api/tenants/{id}/users/{member.UserId}", admin.AccessToken))
        {
            await AuthApi.AssertErrorAsync(notMember, HttpStatusCode.NotFound, "not_found");
        }

        using (var last = await TenancyApi.SendAsync(_gateway, HttpMethod.Delete, $"/api/tenants/{id}/users/{admin.UserId}", admin.AccessToken))
        {
            var body = await AuthApi.AssertErrorAsync(last, HttpStatusCode.BadRequest, "bad_request");
            Assert.Contains("last admin", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Two_admins_removing_each_other_at_once_leave_one_admin()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var second = await TenancyApi.UserAsync(_gateway, "member");
        for (var round = 0; round < 5; round++)
        {
            var tenant = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken);
            var id = tenant.GetProperty("id").GetGuid();
            await TenancyApi.AddMemberAsync(_gateway, admin.AccessToken, id, second.UserId, "admin");

            var removals = await Task.WhenAll(
                TenancyApi.SendAsync(_gateway, HttpMethod.Delete, $"/api/tenants/{id}/users/{second.UserId}", admin.AccessToken),
                TenancyApi.SendAsync(_gateway, HttpMethod.Delete, $"/api/tenants/{id}/users/{admin.UserId}", second.AccessToken));

            var statuses = removals.Select(r => r.StatusCode).ToList();
            Assert.Equal(1, statuses.Count(s => s == HttpStatusCode.OK));
            Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.True(s is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, s.ToString()));
            var admins = await TenancyApi.ScalarAsync<long>(platform, "tenancydb",
                "SELECT count(*) FROM user_tenant_associations WHERE tenant_id = @p0 AND role = 'admin'", id);
            Assert.Equal(1L, admins);
            foreach (var response in removals)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Admin_renames_the_tenant_and_an_empty_update_changes_nothing()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var tenant = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken);
        var id = tenant.GetProperty("id").GetGuid();

        using (var get = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{id}", admin.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        using (var renamed = await TenancyApi.SendAsync(_gateway, HttpMethod.Put, $"/api/tenants/{id}", admin.AccessToken, new { name = "  Renamed Company  ", is_active = false }))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
            var data = (await renamed.JsonAsync()).GetProperty("data");
            Assert.Equal("Renamed Company", data.GetProperty("name").GetString());
            Assert.True(data.GetProperty("is_active").GetBoolean()); // is_active is ignored, as in the original
            Assert.False(data.TryGetProperty("role", out _));
            Assert.Equal(tenant.GetProperty("database_name").GetString(), data.GetProperty("database_name").GetString());
        }

        using (var empty = await TenancyApi.SendAsync(_gateway, HttpMethod.Put, $"/api/tenants/{id}", admin.AccessToken, new { }))
        {
            Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
            Assert.Equal("Renamed Company", (await empty.JsonAsync()).GetProperty("data").GetProperty("name").GetString());
        }

        using (var invalid = await _gateway.SendAsync(TenancyApi.Raw(HttpMethod.Put, $"/api/tenants/{id}", admin.AccessToken, "{\"name\": null}", "application/json")))
        {
            await AuthApi.AssertErrorAsync(invalid, HttpStatusCode.BadRequest, "validation_error");
        }

        using var after = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{id}", admin.AccessToken);
        Assert.Equal("Renamed Company", (await after.JsonAsync()).GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Soft_delete_keeps_database_and_members_but_every_endpoint_answers_404()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var member = await TenancyApi.UserAsync(_gateway, "member");
        var tenant = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken);
        var id = tenant.GetProperty("id").GetGuid();
        var database = tenant.GetProperty("database_name").GetString()!;
        await TenancyApi.AddMemberAsync(_gateway, admin.AccessToken, id, member.UserId, "user");

        using (var deleted = await TenancyApi.SendAsync(_gateway, HttpMethod.Delete, $"/api/tenants/{id}", admin.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
            var body = await deleted.JsonAsync();
            Assert.True(body.GetProperty("success").GetBoolean());
            Assert.Equal("Tenant deleted successfully", body.GetProperty("message").GetString());
            Assert.False(body.TryGetProperty("data", out _));
        }

        Assert.False(await TenancyApi.ScalarAsync<bool>(platform, "tenancydb", "SELECT is_active FROM tenants WHERE id = @p0", id));
        Assert.True(await TenancyApi.DatabaseExistsAsync(platform, database));
        Assert.Equal(2L, await TenancyApi.ScalarAsync<long>(platform, "tenancydb", "SELECT count(*) FROM user_tenant_associations WHERE tenant_id = @p0", id));

        foreach (var token in new[] { admin.AccessToken, member.AccessToken })
        {
            foreach (var (method, path, json) in TenantScopedCalls(id, admin.UserId, member.UserId))
            {
                using var response = await TenancyApi.SendAsync(_gateway, method, path, token, json);
                await AuthApi.AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
            }

            using var documents = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{id}/documents", token);
            Assert.Equal(HttpStatusCode.NotFound, documents.StatusCode);

            using var list = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, "/api/tenants", token);
            Assert.DoesNotContain((await list.JsonAsync()).GetProperty("data").EnumerateArray(), t => t.GetProperty("id").GetGuid() == id);
        }

        // Login lists active tenants only (D5).
        using var login = await AuthApi.LoginAsync(_gateway, member.Email);
        Assert.DoesNotContain((await login.JsonAsync()).GetProperty("tenants").EnumerateArray(), t => t.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task A_removed_member_loses_access_to_tenant_data_within_a_second()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var member = await TenancyApi.UserAsync(_gateway, "member");
        var tenant = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken);
        var id = tenant.GetProperty("id").GetGuid();
        await TenancyApi.AddMemberAsync(_gateway, admin.AccessToken, id, member.UserId, "viewer");

        using (var allowed = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{id}/documents", member.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode); // also warms Documents.Api's access cache
        }

        using (var removed = await TenancyApi.SendAsync(_gateway, HttpMethod.Delete, $"/api/tenants/{id}/users/{member.UserId}", admin.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, removed.StatusCode);
        }

        var started = DateTime.UtcNow;
        var status = await AuthApi.StatusWithinAsync(TimeSpan.FromSeconds(3), HttpStatusCode.NotFound,
            () => TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{id}/documents", member.AccessToken));
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1.2), $"took {DateTime.UtcNow - started}");
    }

    [Fact]
    public async Task Complete_flow_create_get_rename_get()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var tenant = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken, "Flow Company");
        var id = tenant.GetProperty("id").GetGuid();

        using (var get = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{id}", admin.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            var data = (await get.JsonAsync()).GetProperty("data");
            Assert.Equal("Flow Company", data.GetProperty("name").GetString());
            Assert.True(data.GetProperty("members").GetArrayLength() >= 1);
        }

        using (var put = await TenancyApi.SendAsync(_gateway, HttpMethod.Put, $"/api/tenants/{id}", admin.AccessToken, new { name = "Flow Company 2" }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        }

        using var again = await TenancyApi.SendAsync(_gateway, HttpMethod.Get, $"/api/tenants/{id}", admin.AccessToken);
        Assert.Equal("Flow Company 2", (await again.JsonAsync()).GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Tenants_health_answers_in_the_envelope()
    {
        var body = await _gateway.GetFromJsonAsync<JsonElement>("/api/tenants/health");

        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("Tenants API is healthy", body.GetProperty("message").GetString());
        Assert.Equal("healthy", body.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal("tenants", body.GetProperty("data").GetProperty("blueprint").GetString());
    }

    [Fact]
    public async Task Internal_endpoints_answer_memberships_and_are_not_routed_by_the_gateway()
    {
        var admin = await TenancyApi.UserAsync(_gateway, "admin");
        var outsider = await TenancyApi.UserAsync(_gateway, "outsider");
        var tenant = await TenancyApi.NewTenantAsync(_gateway, admin.AccessToken);
        var id = tenant.GetProperty("id").GetGuid();
        using var tenancy = platform.CreateInternalClient("tenancy-api");

        var membership = await tenancy.GetFromJsonAsync<JsonElement>($"/internal/tenants/{id}/members/{admin.UserId}");
        Assert.Equal(id, membership.GetProperty("tenant_id").GetGuid());
        Assert.Equal(tenant.GetProperty("name").GetString(), membership.GetProperty("tenant_name").GetString());
        Assert.Equal(tenant.GetProperty("database_name").GetString(), membership.GetProperty("database_name").GetString());
        Assert.Equal("admin", membership.GetProperty("role").GetString());

        using (var none = await tenancy.GetAsync($"/internal/tenants/{id}/members/{outsider.UserId}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
        }

        var tenants = await tenancy.GetFromJsonAsync<JsonElement>($"/internal/users/{admin.UserId}/tenants");
        Assert.Equal(JsonValueKind.Array, tenants.ValueKind);
        var first = tenants.EnumerateArray().First(t => t.GetProperty("id").GetGuid() == id);
        Assert.Equal("admin", first.GetProperty("role").GetString());
        Assert.True(first.TryGetProperty("joined_at", out _));

        using var viaGateway = await _gateway.GetAsync($"/internal/tenants/{id}/members/{admin.UserId}");
        Assert.Equal(HttpStatusCode.NotFound, viaGateway.StatusCode);
    }

    /// <summary>Every tenant-scoped call of Tenancy.Api, with a plausible body.</summary>
    private static IEnumerable<(HttpMethod Method, string Path, object? Json)> TenantScopedCalls(Guid tenantId, Guid adminId, Guid otherUserId) =>
    [
        (HttpMethod.Get, $"/api/tenants/{tenantId}", null),
        (HttpMethod.Put, $"/api/tenants/{tenantId}", new { name = "Hijacked" }),
        (HttpMethod.Post, $"/api/tenants/{tenantId}/users", new { user_id = otherUserId, role = "admin" }),
        (HttpMethod.Delete, $"/api/tenants/{tenantId}/users/{adminId}", null),
        (HttpMethod.Delete, $"/api/tenants/{tenantId}", null),
    ];

    [GeneratedRegex("^tenant_[a-z0-9_]+_[0-9a-f]{8}$")]
    private static partial Regex DatabaseNamePattern();
}
