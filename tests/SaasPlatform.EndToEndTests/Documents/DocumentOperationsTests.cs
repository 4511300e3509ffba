using System.Net;
using SaasPlatform.EndToEndTests.Identity;
using SaasPlatform.EndToEndTests.Tenancy;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>The cases of the original's tests/integration/test_document_operations.py (§8).</summary>
[Collection(PlatformCollection.Name)]
public sealed class DocumentOperationsTests(PlatformFixture platform)
{
    [Fact]
    public async Task Upload_document_success()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);

        using var response = await UploadBytesAsync(gateway, world.Admin.AccessToken, world.TenantId, "Test document content"u8.ToArray(), "test_document.pdf", "application/pdf");
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.True(body.GetProperty("data").TryGetProperty("id", out _));
        Assert.Equal("Document uploaded successfully", body.GetProperty("message").GetString());
    }

    [Fact]
    public async Task Upload_without_auth_is_401_and_without_tenant_access_404()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);

        using var anonymous = await UploadBytesAsync(gateway, null, world.TenantId, UniqueText());
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var outsider = await UploadBytesAsync(gateway, world.Outsider.AccessToken, world.TenantId, UniqueText());
        await AuthApi.AssertErrorAsync(outsider, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task List_documents_and_pagination()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueText());

        var list = await GetDataAsync(gateway, world.Documents, world.Admin.AccessToken);
        Assert.True(list.TryGetProperty("documents", out _));
        var paged = await GetDataAsync(gateway, $"{world.Documents}?page=2&per_page=10", world.Admin.AccessToken);
        Assert.Equal(2, paged.GetProperty("pagination").GetProperty("page").GetInt32());
        Assert.Equal(10, paged.GetProperty("pagination").GetProperty("per_page").GetInt32());
        Assert.Empty(paged.GetProperty("documents").EnumerateArray());
    }

    [Fact]
    public async Task Duplicate_file_reused()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var bytes = UniqueText();

        var first = await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, bytes);
        var second = await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, bytes);

        Assert.Equal(first.GetProperty("file_id").GetGuid(), second.GetProperty("file_id").GetGuid());
        Assert.Single(await ListKeysAsync(platform, world.FilesPrefix));
    }

    [Fact]
    public async Task Complete_flow_tenant_to_document()
    {
        using var gateway = platform.CreateGatewayClient();
        var creator = await TenancyApi.UserAsync(gateway, "docs-creator");
        var tenant = await TenancyApi.NewTenantAsync(gateway, creator.AccessToken);

        var list = await GetDataAsync(gateway, $"/api/tenants/{tenant.GetProperty("id").GetGuid()}/documents", creator.AccessToken);

        Assert.Empty(list.GetProperty("documents").EnumerateArray());
        Assert.Equal(0, list.GetProperty("pagination").GetProperty("total").GetInt32());
    }
}
