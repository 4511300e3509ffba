using System.Globalization;
using System.Net;
using System.Text.Json;
using SaasPlatform.EndToEndTests.Identity;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>The cases of the original's tests/integration/test_document_download_url.py (§8), against a real document.</summary>
[Collection(PlatformCollection.Name)]
public sealed class DownloadUrlTests(PlatformFixture platform)
{
    private async Task<(HttpClient Gateway, DocumentWorld World, JsonElement Document, byte[] Bytes)> SetupAsync()
    {
        var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var bytes = UniqueText("%PDF-1.4 test document");
        var document = await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, bytes, "report.pdf", "application/pdf",
            new Dictionary<string, string> { ["filename"] = "Report \"Q3\" – été.pdf" });
        return (gateway, world, document, bytes);
    }

    private static string UrlPath(DocumentWorld world, JsonElement document, string query = "") =>
        $"{world.Documents}/{document.GetProperty("id").GetGuid()}/download-url{query}";

    [Fact]
    public async Task Success_structure_default_expiry_public_host_and_signature()
    {
        var (gateway, world, document, bytes) = await SetupAsync();
        using var _ = gateway;
        var before = DateTime.UtcNow;

        using var response = await SendAsync(gateway, HttpMethod.Get, UrlPath(world, document), world.Admin.AccessToken);
        var body = await response.JsonAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Download URL generated successfully", body.GetProperty("message").GetString());
        var data = body.GetProperty("data");
        var url = data.GetProperty("download_url").GetString()!;
        Assert.StartsWith("http", url, StringComparison.Ordinal);
        Assert.Equal(3600, data.GetProperty("expires_in").GetInt32());
        Assert.Equal("Report \"Q3\" – été.pdf", data.GetProperty("filename").GetString());
        Assert.Contains('/', data.GetProperty("mime_type").GetString()!);
        Assert.Equal(bytes.Length, data.GetProperty("file_size").GetInt64());
        Assert.Equal(JsonValueKind.Number, data.GetProperty("file_size").ValueKind);

        // expires_at: naive UTC ISO with a Z, in the future, about an hour ahead.
        var expiresAt = data.GetProperty("expires_at").GetString()!;
        Assert.EndsWith("Z", expiresAt, StringComparison.Ordinal);
        var parsed = DateTime.Parse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal);
        Assert.InRange(parsed, before.AddSeconds(3590), DateTime.UtcNow.AddSeconds(3610));

        // Signed for the public endpoint (path-style), every query parameter of SigV4 present.
        var storage = await platform.GetConnectionStringAsync("storage");
        var publicEndpoint = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = storage }["PublicEndpoint"]!.ToString()!.TrimEnd('/');
        Assert.StartsWith($"{publicEndpoint}/{Bucket}/tenants/{world.DatabaseName}/files/", url, StringComparison.Ordinal);
        foreach (var parameter in new[] { "X-Amz-Algorithm=", "X-Amz-Credential=", "X-Amz-Date=", "X-Amz-Expires=3600", "X-Amz-SignedHeaders=host", "X-Amz-Signature=", "response-content-disposition=" })
        {
            Assert.Contains(parameter, url, StringComparison.Ordinal);
        }

        // The URL works without any token and carries the download headers.
        using var anonymous = new HttpClient();
        using var download = await anonymous.GetAsync(new Uri(url));
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal("Report \"Q3\" – été.pdf", download.Content.Headers.ContentDisposition.FileNameStar);
    }

    [Theory]
    [InlineData("7200", 7200)]
    [InlineData("60", 60)]
    [InlineData("86400", 86400)]
    public async Task Custom_expiry_within_bounds_is_accepted(string expiresIn, int expected)
    {
        var (gateway, world, document, _) = await SetupAsync();
        using var _ = gateway;

        var data = await GetDataAsync(gateway, UrlPath(world, document, $"?expires_in={expiresIn}"), world.Admin.AccessToken);

        Assert.Equal(expected, data.GetProperty("expires_in").GetInt32());
        Assert.Contains($"X-Amz-Expires={expected}", data.GetProperty("download_url").GetString()!, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30")]
    [InlineData("100000")]
    [InlineData("59")]
    [InlineData("86401")]
    [InlineData("soon")]
    public async Task Expiry_out_of_bounds_is_400_checked_before_the_tenant(string expiresIn)
    {
        var (gateway, world, document, _) = await SetupAsync();
        using var _ = gateway;

        using var response = await SendAsync(gateway, HttpMethod.Get, UrlPath(world, document, $"?expires_in={expiresIn}"), world.Admin.AccessToken);
        var body = await AuthApi.AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error");
        Assert.Contains("expires_in must be between 60 and 86400 seconds", body.GetProperty("message").GetString()!, StringComparison.Ordinal);

        // Before the access check: even for a tenant the caller cannot see.
        using var foreign = await SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{Guid.Empty}/documents/{Guid.Empty}/download-url?expires_in={expiresIn}", world.Outsider.AccessToken);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);
    }

    [Fact]
    public async Task No_token_or_an_invalid_token_is_401()
    {
        var (gateway, world, document, _) = await SetupAsync();
        using var _ = gateway;

        using var none = await SendAsync(gateway, HttpMethod.Get, UrlPath(world, document), token: null);
        var body = await AuthApi.AssertErrorAsync(none, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.False(body.GetProperty("success").GetBoolean());
        using var invalid = await SendAsync(gateway, HttpMethod.Get, UrlPath(world, document), "invalid.token.value");
        Assert.Equal(HttpStatusCode.Unauthorized, invalid.StatusCode);
    }

    [Fact]
    public async Task Unknown_document_or_tenant_is_404_not_found()
    {
        var (gateway, world, _, _) = await SetupAsync();
        using var _ = gateway;

        using var document = await SendAsync(gateway, HttpMethod.Get, $"{world.Documents}/{Guid.Empty}/download-url", world.Admin.AccessToken);
        var documentBody = await AuthApi.AssertErrorAsync(document, HttpStatusCode.NotFound, "not_found");
        Assert.Contains("not found", documentBody.GetProperty("message").GetString()!, StringComparison.OrdinalIgnoreCase);

        using var tenant = await SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{Guid.Empty}/documents/{Guid.Empty}/download-url", world.Admin.AccessToken);
        var tenantBody = await AuthApi.AssertErrorAsync(tenant, HttpStatusCode.NotFound, "not_found");
        Assert.Contains("not found", tenantBody.GetProperty("message").GetString()!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Two_requests_both_signed_and_a_viewer_may_ask()
    {
        var (gateway, world, document, _) = await SetupAsync();
        using var _ = gateway;

        var first = await GetDataAsync(gateway, UrlPath(world, document), world.Admin.AccessToken);
        await Task.Delay(1100);
        var second = await GetDataAsync(gateway, UrlPath(world, document), world.Viewer.AccessToken);

        Assert.Contains("Signature=", first.GetProperty("download_url").GetString()!, StringComparison.Ordinal);
        Assert.Contains("Signature=", second.GetProperty("download_url").GetString()!, StringComparison.Ordinal);
        Assert.NotEqual(first.GetProperty("download_url").GetString(), second.GetProperty("download_url").GetString());
    }

    [Fact]
    public async Task Issuing_a_url_is_audited()
    {
        var (gateway, world, document, _) = await SetupAsync();
        using var _ = gateway;
        var documentId = document.GetProperty("id").GetGuid().ToString();

        await GetDataAsync(gateway, UrlPath(world, document, "?expires_in=120"), world.Viewer.AccessToken);

        JsonElement entry = default;
        var audited = await EventuallyAsync(TimeSpan.FromSeconds(30), async () =>
        {
            var audit = await GetDataAsync(gateway, $"/api/tenants/{world.TenantId}/audit?per_page=100", world.Admin.AccessToken);
            entry = audit.GetProperty("audit_logs").EnumerateArray().FirstOrDefault(e =>
                e.GetProperty("action").GetString() == "document.download_url_issued" && e.GetProperty("resource_id").GetString() == documentId);
            return entry.ValueKind == JsonValueKind.Object;
        });
        Assert.True(audited, "no document.download_url_issued audit entry");
        Assert.Equal(world.Viewer.UserId, entry.GetProperty("user_id").GetGuid());
        Assert.Equal(120, entry.GetProperty("details").GetProperty("expires_in").GetInt32());

        // Uploads are audited as well.
        var audit = await GetDataAsync(gateway, $"/api/tenants/{world.TenantId}/audit?per_page=100", world.Admin.AccessToken);
        Assert.Contains(audit.GetProperty("audit_logs").EnumerateArray(), e =>
            e.GetProperty("action").GetString() == "document.uploaded" && e.GetProperty("resource_id").GetString() == documentId);
    }
}
