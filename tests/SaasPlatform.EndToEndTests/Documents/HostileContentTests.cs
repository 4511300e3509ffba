using System.Net;
using System.Text.Json;
using SaasPlatform.EndToEndTests.Identity;
using SaasPlatform.EndToEndTests.Tenancy;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>
/// Content a client chooses to be hostile: active types that a browser would run (served as an octet-stream
/// attachment, by the proxy and by storage through a presigned URL), and names with bidirectional or other invisible
/// formatting characters (refused with 400 everywhere a name is set). Also: every download is in the audit log.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class HostileContentTests(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("page.html", "text/html", "<html><script>alert(document.cookie)</script></html>")]
    [InlineData("image.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>")]
    [InlineData("page.xhtml", "application/xhtml+xml", "<html xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></html>")]
    [InlineData("data.xml", "text/xml", "<?xml version=\"1.0\"?><a/>")]
    [InlineData("code.js", "text/javascript", "alert(1)")]
    public async Task Active_content_types_are_served_as_octet_stream_attachments(string filename, string type, string content)
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var bytes = System.Text.Encoding.UTF8.GetBytes($"{content}<!-- {Guid.NewGuid()} -->");
        var document = await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, bytes, filename, type);
        var documentId = document.GetProperty("id").GetGuid();
        // The declared type is kept as metadata; only what is served changes.
        Assert.Equal(type, document.GetProperty("mime_type").GetString());

        using (var download = await SendAsync(gateway, HttpMethod.Get, $"{world.Documents}/{documentId}/download", world.Viewer.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("application/octet-stream", download.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Contains("nosniff", download.Headers.GetValues("X-Content-Type-Options"));
            Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
        }

        var url = (await GetDataAsync(gateway, $"{world.Documents}/{documentId}/download-url", world.Viewer.AccessToken))
            .GetProperty("download_url").GetString()!;
        Assert.Contains("response-content-type=application%2Foctet-stream", url, StringComparison.Ordinal);
        using var anonymous = new HttpClient();
        using var presigned = await anonymous.GetAsync(new Uri(url));
        Assert.Equal(HttpStatusCode.OK, presigned.StatusCode);
        Assert.Equal("application/octet-stream", presigned.Content.Headers.ContentType!.MediaType);
        Assert.Equal("attachment", presigned.Content.Headers.ContentDisposition!.DispositionType);
    }

    [Fact]
    public async Task A_passive_type_is_served_as_declared()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var document = await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueBytes(), "photo.png", "image/png");

        using var download = await SendAsync(gateway, HttpMethod.Get, $"{world.Documents}/{document.GetProperty("id").GetGuid()}/download", world.Viewer.AccessToken);

        Assert.Equal("image/png", download.Content.Headers.ContentType!.MediaType);
    }

    [Theory]
    [InlineData("invoice\u202Efdp.exe")]
    [InlineData("report\u2066.pdf")]
    [InlineData("zero\u200Bwidth.txt")]
    [InlineData("\uFEFFbom.txt")]
    public async Task Filenames_with_format_characters_are_refused(string name)
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);

        // As the upload's own name, as the filename field, and on rename.
        using (var upload = await UploadBytesAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueBytes(), name, "application/pdf"))
        {
            var body = await AuthApi.AssertErrorAsync(upload, HttpStatusCode.BadRequest, "validation_error");
            Assert.True(body.GetProperty("details").TryGetProperty("filename", out _), body.ToString());
        }

        using (var field = await UploadBytesAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueBytes(), "plain.pdf", "application/pdf",
                   new Dictionary<string, string> { ["filename"] = name }))
        {
            await AuthApi.AssertErrorAsync(field, HttpStatusCode.BadRequest, "validation_error");
        }

        var document = await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueBytes(), "plain.pdf");
        using var rename = await SendAsync(gateway, HttpMethod.Put, $"{world.Documents}/{document.GetProperty("id").GetGuid()}",
            world.Admin.AccessToken, new { filename = name });
        await AuthApi.AssertErrorAsync(rename, HttpStatusCode.BadRequest, "validation_error");
        var list = await GetDataAsync(gateway, world.Documents, world.Admin.AccessToken);
        Assert.Equal(["plain.pdf"], list.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("filename").GetString()));
    }

    [Fact]
    public async Task Tenant_and_user_names_with_format_characters_are_refused()
    {
        using var gateway = platform.CreateGatewayClient();
        var user = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("bidi-names"));

        using (var create = await TenancyApi.CreateTenantAsync(gateway, user.AccessToken, "Acme\u202Eevil"))
        {
            var body = await AuthApi.AssertErrorAsync(create, HttpStatusCode.BadRequest, "validation_error");
            Assert.True(body.GetProperty("details").TryGetProperty("name", out _), body.ToString());
        }

        var tenantId = (await TenancyApi.NewTenantAsync(gateway, user.AccessToken)).GetProperty("id").GetGuid();
        using (var rename = await AuthApi.SendAsync(gateway, HttpMethod.Put, $"/api/tenants/{tenantId}", user.AccessToken, new { name = "Acme\u2067x" }))
        {
            await AuthApi.AssertErrorAsync(rename, HttpStatusCode.BadRequest, "validation_error");
        }

        using (var register = await AuthApi.RegisterAsync(gateway, AuthApi.UniqueEmail("bidi-register"), firstName: "Ann\u202Eevil"))
        {
            var body = await AuthApi.AssertErrorAsync(register, HttpStatusCode.BadRequest, "validation_error");
            Assert.True(body.GetProperty("details").TryGetProperty("first_name", out _), body.ToString());
        }

        using var update = await AuthApi.SendAsync(gateway, HttpMethod.Put, "/api/users/me", user.AccessToken, new { last_name = "Smith\u200F" });
        await AuthApi.AssertErrorAsync(update, HttpStatusCode.BadRequest, "validation_error");
    }

    [Fact]
    public async Task Proxy_downloads_and_presigned_urls_are_recorded_in_the_tenant_audit_log()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var document = await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueText(), "audited.txt", "text/plain");
        var documentId = document.GetProperty("id").GetGuid();

        using (var download = await SendAsync(gateway, HttpMethod.Get, $"{world.Documents}/{documentId}/download", world.Viewer.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        }

        await GetDataAsync(gateway, $"{world.Documents}/{documentId}/download-url", world.User.AccessToken);
        // A refused download is not an access.
        using (var outsider = await SendAsync(gateway, HttpMethod.Get, $"{world.Documents}/{documentId}/download", world.Outsider.AccessToken))
        {
            Assert.Equal(HttpStatusCode.NotFound, outsider.StatusCode);
        }

        var entries = await WaitForActionsAsync(gateway, world, ["document.downloaded", "document.download_url_issued"]);
        var downloaded = Assert.Single(entries, e => e.GetProperty("action").GetString() == "document.downloaded");
        Assert.Equal(world.Viewer.UserId, downloaded.GetProperty("user_id").GetGuid());
        Assert.Equal(documentId.ToString(), downloaded.GetProperty("resource_id").GetString());
        Assert.Equal("audited.txt", downloaded.GetProperty("details").GetProperty("filename").GetString());
        var issued = Assert.Single(entries, e => e.GetProperty("action").GetString() == "document.download_url_issued");
        Assert.Equal(world.User.UserId, issued.GetProperty("user_id").GetGuid());
        Assert.Equal(documentId.ToString(), issued.GetProperty("resource_id").GetString());
    }

    private static async Task<List<JsonElement>> WaitForActionsAsync(HttpClient gateway, DocumentWorld world, string[] actions)
    {
        var deadline = DateTime.UtcNow + Patience;
        List<JsonElement> entries = [];
        while (DateTime.UtcNow < deadline)
        {
            var page = await GetDataAsync(gateway, $"/api/tenants/{world.TenantId}/audit?per_page=100", world.Admin.AccessToken);
            entries = page.GetProperty("audit_logs").EnumerateArray().ToList();
            if (actions.All(a => entries.Any(e => e.GetProperty("action").GetString() == a)))
            {
                return entries;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"audit log lacks {string.Join(", ", actions)}: {string.Join(", ", entries.Select(e => e.GetProperty("action").GetString()))}");
        return entries;
    }
}
