using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace SaasPlatform.EndToEndTests.Gateway;

[Collection(PlatformCollection.Name)]
public sealed class GatewayTests(PlatformFixture platform)
{
    [Theory]
    [InlineData("/internal/revocations?after=0", "identity-api")]
    [InlineData("/internal/users/00000000-0000-0000-0000-000000000001/tenants", "tenancy-api")]
    public async Task Internal_endpoints_exist_on_the_service_but_are_unreachable_through_the_gateway(string path, string service)
    {
        using var direct = platform.CreateInternalClient(service);
        using var withoutKey = platform.CreateDirectClient(service);
        using var gateway = platform.CreateGatewayClient();

        var directResponse = await direct.GetAsync(new Uri(path, UriKind.Relative));
        var withoutKeyResponse = await withoutKey.GetAsync(new Uri(path, UriKind.Relative));
        var gatewayResponse = await gateway.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, directResponse.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutKeyResponse.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gatewayResponse.StatusCode);
        var body = await gatewayResponse.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("not_found", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Cors_allows_the_configured_origin_only()
    {
        using var gateway = platform.CreateGatewayClient();

        async Task<HttpResponseMessage> PreflightAsync(string origin)
        {
            using var request = new HttpRequestMessage(HttpMethod.Options, "/api/tenants");
            request.Headers.Add("Origin", origin);
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");
            return await gateway.SendAsync(request);
        }

        var allowed = await PreflightAsync("http://localhost:3000");
        var refused = await PreflightAsync("http://evil.example");

        Assert.Equal("http://localhost:3000", Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.Equal("true", Assert.Single(allowed.Headers.GetValues("Access-Control-Allow-Credentials")));
        Assert.False(refused.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task Authentication_routes_are_rate_limited_per_client_address_with_retry_after()
    {
        using var gateway = platform.CreateGatewayClient();
        using var otherClient = platform.CreateGatewayClient();

        HttpResponseMessage? limited = null;
        for (var i = 0; i < 40 && limited is null; i++)
        {
            var response = await gateway.GetAsync(new Uri("/api/auth/health", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
        }

        Assert.NotNull(limited);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        var body = await limited.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("rate_limited", body.GetProperty("error").GetString());
        Assert.False(body.GetProperty("success").GetBoolean());
        // Another client address is not affected.
        Assert.NotEqual(HttpStatusCode.TooManyRequests, (await otherClient.GetAsync(new Uri("/api/auth/health", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_body_over_the_upload_limit_is_refused_with_413_in_the_envelope()
    {
        using var gateway = platform.CreateGatewayClient();
        var oversized = new ByteArrayContent(new byte[PlatformFixture.UploadLimitBytes + (1024 * 1024)]);
        oversized.Headers.ContentType = new("multipart/form-data") { Parameters = { new("boundary", "x") } };

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{Guid.NewGuid()}/documents") { Content = oversized };
        // As a well-behaved client of a large upload would: wait for the server's go-ahead, so a refusal arrives
        // as a response instead of a reset in the middle of sending.
        request.Headers.ExpectContinue = true;

        var response = await gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("payload_too_large", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Responses_carry_security_headers()
    {
        using var gateway = platform.CreateGatewayClient();

        var response = await gateway.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Theory]
    [InlineData("identity", "/api/auth/login")]
    [InlineData("tenancy", "/api/tenants")]
    [InlineData("documents", "/api/tenants/{tenantId}/documents")]
    [InlineData("events", "/api/tenants/{tenantId}/audit")]
    public async Task Docs_serve_every_service_document_with_bearer_auth(string service, string expectedPath)
    {
        using var gateway = platform.CreateGatewayClient();

        var document = await gateway.GetFromJsonAsync<JsonElement>(new Uri($"/api/docs/openapi/{service}.json", UriKind.Relative));

        Assert.StartsWith("3.", document.GetProperty("openapi").GetString());
        Assert.True(document.GetProperty("paths").TryGetProperty(expectedPath, out _), $"{expectedPath} missing from {service}");
        Assert.True(document.GetProperty("components").GetProperty("securitySchemes").TryGetProperty("Bearer", out _));
    }

    [Theory]
    [InlineData("documents", "/api/tenants/{tenantId}/documents/{documentId}", "get", "GetDocument", "A document with its file", "the document with its file")]
    [InlineData("documents", "/api/files/{tenantId}/files/{fileId}", "delete", "DeleteFile", "Delete an orphaned file and its object (admin)", "an orphaned file goes at once")]
    [InlineData("tenancy", "/api/tenants/{tenantId}", "put", "UpdateTenant", "Rename a tenant (admin)", "changes nothing")]
    [InlineData("events", "/api/tenants/{tenantId}/audit", "get", "GetTenantAudit", "A tenant's audit log, newest first (admin)", "admins only")]
    [InlineData("identity", "/api/auth/login", "post", "Login", "Log in with email and password; returns access and refresh tokens, the user and their active tenants", null)]
    public async Task Docs_name_and_summarise_each_operation_and_carry_its_handler_comment(
        string service, string path, string method, string operationId, string summary, string? descriptionPart)
    {
        using var gateway = platform.CreateGatewayClient();

        var document = await gateway.GetFromJsonAsync<JsonElement>(new Uri($"/api/docs/openapi/{service}.json", UriKind.Relative));

        var operation = document.GetProperty("paths").GetProperty(path).GetProperty(method);
        Assert.Equal(operationId, operation.GetProperty("operationId").GetString());
        Assert.Equal(summary, operation.GetProperty("summary").GetString());
        if (descriptionPart is not null)
        {
            // The handler method's XML comment (<remarks>), which reaches the document only through the documentation file.
            Assert.Contains(descriptionPart, operation.GetProperty("description").GetString()!, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Docs_describe_both_shapes_of_a_file_list_item()
    {
        using var gateway = platform.CreateGatewayClient();

        var document = await gateway.GetStringAsync(new Uri("/api/docs/openapi/documents.json", UriKind.Relative));
        var schemas = JsonDocument.Parse(document).RootElement.GetProperty("components").GetProperty("schemas");

        var item = schemas.GetProperty("FileListItem");
        Assert.Equal(2, item.GetProperty("anyOf").GetArrayLength());
        Assert.False(item.TryGetProperty("discriminator", out _), "no discriminator property is ever sent");
        Assert.True(schemas.GetProperty("FileListItemFileDetail").GetProperty("properties").TryGetProperty("document_count", out _));
        Assert.False(schemas.GetProperty("FileListItemFileSummary").GetProperty("properties").TryGetProperty("document_count", out _));
    }

    [Fact]
    public async Task Docs_ui_renders_the_operations_in_a_headless_browser()
    {
        using var gateway = platform.CreateGatewayClient();
        var page = new Uri(gateway.BaseAddress!, "/api/docs");

        var dom = await HeadlessChromium.DumpDomAsync(page);

        Assert.Contains("/api/auth/login", dom, StringComparison.Ordinal);
    }
}
