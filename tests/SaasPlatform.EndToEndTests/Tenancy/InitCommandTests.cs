using System.Net;
using SaasPlatform.EndToEndTests.Identity;
using Xunit.Abstractions;

namespace SaasPlatform.EndToEndTests.Tenancy;

/// <summary>The <c>init</c> command: admin user and test tenant from environment variables, without prompting, idempotent.</summary>
[Collection(PlatformCollection.Name)]
public sealed class InitCommandTests(PlatformFixture platform, ITestOutputHelper output)
{
    [Fact]
    public async Task Init_creates_the_admin_and_the_test_tenant_once()
    {
        using var gateway = platform.CreateGatewayClient();
        using var identity = platform.CreateDirectClient("identity-api");
        var email = AuthApi.UniqueEmail("init-admin");
        var tenantName = $"Init Tenant {Guid.NewGuid():N}";
        var environment = new Dictionary<string, string>
        {
            ["ADMIN_EMAIL"] = email,
            ["ADMIN_PASSWORD"] = "InitPass123",
            ["ADMIN_FIRST_NAME"] = "Init",
            ["TEST_TENANT_NAME"] = tenantName,
            ["Identity__BaseAddress"] = identity.BaseAddress!.ToString(),
        };

        var first = await TenancyCommand.RunAsync(platform, ["init"], environment);
        output.WriteLine(first.Output);
        Assert.Equal(0, first.ExitCode);
        var second = await TenancyCommand.RunAsync(platform, ["init"], environment);
        output.WriteLine(second.Output);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("exists", second.Output, StringComparison.Ordinal);

        using var login = await AuthApi.LoginAsync(gateway, email, "InitPass123");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var body = await login.JsonAsync();
        Assert.Equal("Init", body.GetProperty("user").GetProperty("first_name").GetString());
        var tenants = body.GetProperty("tenants").EnumerateArray().Where(t => t.GetProperty("name").GetString() == tenantName).ToList();
        var tenant = Assert.Single(tenants);
        Assert.Equal("admin", tenant.GetProperty("role").GetString());
        Assert.True(await TenancyApi.DatabaseExistsAsync(platform, tenant.GetProperty("database_name").GetString()!));

        var missing = await TenancyCommand.RunAsync(platform, ["init"], new Dictionary<string, string> { ["ADMIN_EMAIL"] = "" });
        Assert.NotEqual(0, missing.ExitCode);
    }
}
