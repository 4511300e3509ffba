using System.Net;
using SaasPlatform.EndToEndTests.Identity;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>Tenant isolation: nothing of tenant B is reachable from tenant A, by any path, with any role.</summary>
[Collection(PlatformCollection.Name)]
public sealed class IsolationTests(PlatformFixture platform)
{
    [Fact]
    public async Task A_member_of_A_gets_404_for_everything_of_B_and_for_Bs_ids_under_A()
    {
        using var gateway = platform.CreateGatewayClient();
        var a = await NewWorldAsync(gateway);
        var b = await NewWorldAsync(gateway);
        var bytes = UniqueText();
        var inB = await UploadOkAsync(gateway, b.Admin.AccessToken, b.TenantId, bytes);
        var bDocument = inB.GetProperty("id").GetGuid();
        var bFile = inB.GetProperty("file_id").GetGuid();
        var outsider = b.Outsider; // a member of neither, made admin of A below
        await Tenancy.TenancyApi.AddMemberAsync(gateway, a.Admin.AccessToken, a.TenantId, outsider.UserId, "admin");
        await UploadOkAsync(gateway, a.Admin.AccessToken, a.TenantId, UniqueText());

        // B's tenant, B's ids: the tenant does not exist for this caller.
        foreach (var (method, path) in RoleTests.Endpoints(b, bDocument, bFile))
        {
            using var response = method == HttpMethod.Post
                ? await UploadBytesAsync(gateway, outsider.AccessToken, b.TenantId, UniqueText())
                : await SendAsync(gateway, method, path, outsider.AccessToken, method == HttpMethod.Put ? new { filename = "x" } : null);
            var body = await AuthApi.AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
            Assert.Contains("not found", body.GetProperty("message").GetString()!, StringComparison.OrdinalIgnoreCase);
        }

        // B's ids under A's path: not found either (A's database knows nothing of them).
        foreach (var (method, path) in RoleTests.Endpoints(a, bDocument, bFile).Where(e => e.Path.Contains(bDocument.ToString()) || e.Path.Contains(bFile.ToString())))
        {
            using var response = await SendAsync(gateway, method, path, outsider.AccessToken, method == HttpMethod.Put ? new { filename = "x" } : null);
            await AuthApi.AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
        }

        // Lists of A show nothing of B; B is untouched.
        var aList = await GetDataAsync(gateway, a.Documents, outsider.AccessToken);
        Assert.DoesNotContain(aList.GetProperty("documents").EnumerateArray(), d => d.GetProperty("id").GetGuid() == bDocument);
        var aFiles = await GetDataAsync(gateway, a.Files, outsider.AccessToken);
        Assert.DoesNotContain(aFiles.GetProperty("files").EnumerateArray(), f => f.GetProperty("id").GetGuid() == bFile);
        Assert.Equal(1L, await TenantScalarAsync<long>(platform, b, "SELECT count(*) FROM documents"));
        Assert.Equal("test_document.pdf", (await GetDataAsync(gateway, $"{b.Documents}/{bDocument}", b.Admin.AccessToken)).GetProperty("filename").GetString());
    }

    [Fact]
    public async Task Two_users_two_tenants_each_sees_only_their_own()
    {
        using var gateway = platform.CreateGatewayClient();
        var userA = await Tenancy.TenancyApi.UserAsync(gateway, "docs-iso-a");
        var userB = await Tenancy.TenancyApi.UserAsync(gateway, "docs-iso-b");
        var tenantA = (await Tenancy.TenancyApi.NewTenantAsync(gateway, userA.AccessToken)).GetProperty("id").GetGuid();
        var tenantB = (await Tenancy.TenancyApi.NewTenantAsync(gateway, userB.AccessToken)).GetProperty("id").GetGuid();
        var docA = await UploadOkAsync(gateway, userA.AccessToken, tenantA, UniqueText());
        var docB = await UploadOkAsync(gateway, userB.AccessToken, tenantB, UniqueText());

        var listA = await GetDataAsync(gateway, $"/api/tenants/{tenantA}/documents", userA.AccessToken);
        var listB = await GetDataAsync(gateway, $"/api/tenants/{tenantB}/documents", userB.AccessToken);
        Assert.Equal(docA.GetProperty("id").GetGuid(), Assert.Single(listA.GetProperty("documents").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(docB.GetProperty("id").GetGuid(), Assert.Single(listB.GetProperty("documents").EnumerateArray()).GetProperty("id").GetGuid());

        using var aOnB = await SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{tenantB}/documents", userA.AccessToken);
        await AuthApi.AssertErrorAsync(aOnB, HttpStatusCode.NotFound, "not_found");
        using var bOnA = await SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{tenantA}/documents", userB.AccessToken);
        await AuthApi.AssertErrorAsync(bOnA, HttpStatusCode.NotFound, "not_found");
        using var bUploadsToA = await UploadBytesAsync(gateway, userB.AccessToken, tenantA, UniqueText());
        await AuthApi.AssertErrorAsync(bUploadsToA, HttpStatusCode.NotFound, "not_found");
    }
}
