using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SaasPlatform.EndToEndTests.Identity;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

[Collection(PlatformCollection.Name)]
public sealed class DocumentFlowTests(PlatformFixture platform)
{
    [Fact]
    public async Task Upload_read_list_rename_download_and_delete()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var bytes = UniqueText();

        // Upload: 201 with the document and its file; the key is content-addressed (D8).
        var uploaded = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, bytes, "Quarterly report.txt",
            "text/plain; charset=utf-8");
        var documentId = uploaded.GetProperty("id").GetGuid();
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        Assert.Equal("Quarterly report.txt", uploaded.GetProperty("filename").GetString());
        Assert.Equal("text/plain", uploaded.GetProperty("mime_type").GetString());
        Assert.Equal(world.User.UserId, uploaded.GetProperty("user_id").GetGuid());
        Assert.Equal(world.User.UserId, uploaded.GetProperty("created_by").GetGuid());
        Assert.EndsWith("+00:00", uploaded.GetProperty("created_at").GetString(), StringComparison.Ordinal);
        var file = uploaded.GetProperty("file");
        Assert.Equal(Convert.ToHexStringLower(MD5.HashData(bytes)), file.GetProperty("md5_hash").GetString());
        Assert.Equal($"tenants/{world.DatabaseName}/files/{sha256[..2]}/{sha256[2..4]}/{sha256}", file.GetProperty("s3_path").GetString());
        Assert.Equal(bytes.Length, file.GetProperty("file_size").GetInt64());
        Assert.False(file.TryGetProperty("id", out _));
        Assert.True(await ObjectExistsAsync(platform, file.GetProperty("s3_path").GetString()!));

        // Read.
        var read = await GetDataAsync(gateway, $"{world.Documents}/{documentId}", world.Viewer.AccessToken);
        Assert.Equal(uploaded.GetProperty("file_id").GetGuid(), read.GetProperty("file_id").GetGuid());
        Assert.Equal(sha256, read.GetProperty("file").GetProperty("s3_path").GetString()![^64..]);

        // List: newest first, pagination block, filename filter case-insensitive with literal wildcards.
        await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueText(), "100%_done.txt", "text/plain");
        await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueText(), "100xxdone.txt", "text/plain");
        var list = await GetDataAsync(gateway, world.Documents, world.Viewer.AccessToken);
        Assert.Equal(3, list.GetProperty("documents").GetArrayLength());
        Assert.Equal("100xxdone.txt", list.GetProperty("documents")[0].GetProperty("filename").GetString());
        Assert.False(list.GetProperty("documents")[0].TryGetProperty("file", out _));
        var pagination = list.GetProperty("pagination");
        Assert.Equal((1, 20, 3, 1), (pagination.GetProperty("page").GetInt32(), pagination.GetProperty("per_page").GetInt32(),
            pagination.GetProperty("total").GetInt32(), pagination.GetProperty("pages").GetInt32()));
        var filtered = await GetDataAsync(gateway, $"{world.Documents}?filename={Uri.EscapeDataString("%_DONE")}", world.Viewer.AccessToken);
        Assert.Equal("100%_done.txt", Assert.Single(filtered.GetProperty("documents").EnumerateArray()).GetProperty("filename").GetString());
        var quarterly = await GetDataAsync(gateway, $"{world.Documents}?filename=QUARTERLY", world.Viewer.AccessToken);
        Assert.Equal(1, quarterly.GetProperty("pagination").GetProperty("total").GetInt32());

        // Rename (and retype, parameters dropped); {} is a no-op 200.
        using (var rename = await SendAsync(gateway, HttpMethod.Put, $"{world.Documents}/{documentId}", world.User.AccessToken,
                   new { filename = " Q3 report.md ", mime_type = "Text/Markdown; charset=utf-8", unknown_field = 1 }))
        {
            var body = await rename.JsonAsync();
            Assert.Equal(HttpStatusCode.OK, rename.StatusCode);
            Assert.Equal("Document updated successfully", body.GetProperty("message").GetString());
            Assert.Equal("Q3 report.md", body.GetProperty("data").GetProperty("filename").GetString());
            Assert.Equal("text/markdown", body.GetProperty("data").GetProperty("mime_type").GetString());
            Assert.False(body.GetProperty("data").TryGetProperty("file", out _));
        }

        using (var noop = await SendAsync(gateway, HttpMethod.Put, $"{world.Documents}/{documentId}", world.User.AccessToken, new { }))
        {
            Assert.Equal(HttpStatusCode.OK, noop.StatusCode);
            Assert.Equal("Q3 report.md", (await noop.JsonAsync()).GetProperty("data").GetProperty("filename").GetString());
        }

        // Download through the API: the bytes and the contract's headers.
        using (var download = await SendAsync(gateway, HttpMethod.Get, $"{world.Documents}/{documentId}/download", world.Viewer.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(bytes, await download.Content.ReadAsByteArrayAsync());
            Assert.Equal("text/markdown", download.Content.Headers.ContentType!.MediaType);
            Assert.Equal(bytes.Length, download.Content.Headers.ContentLength);
            Assert.Equal("attachment", download.Content.Headers.ContentDisposition!.DispositionType);
            Assert.Equal("Q3 report.md", download.Content.Headers.ContentDisposition.FileNameStar);
            // The gateway sets these on every answer too; the service sets them itself for the download (contract).
            Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Distinct().Single());
            Assert.Equal("DENY", download.Headers.GetValues("X-Frame-Options").Distinct().Single());
            Assert.Contains("no-store", download.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
            Assert.Equal("no-cache", download.Headers.GetValues("Pragma").Single());
        }

        // Delete: the file loses its last document and is orphaned (D10).
        using (var delete = await SendAsync(gateway, HttpMethod.Delete, $"{world.Documents}/{documentId}", world.User.AccessToken))
        {
            var body = await delete.JsonAsync();
            Assert.Equal(HttpStatusCode.OK, delete.StatusCode);
            Assert.Equal("Document deleted successfully", body.GetProperty("message").GetString());
            Assert.Equal(documentId, body.GetProperty("data").GetProperty("deleted_document_id").GetGuid());
            Assert.True(body.GetProperty("data").GetProperty("file_orphaned").GetBoolean());
        }

        using var gone = await SendAsync(gateway, HttpMethod.Get, $"{world.Documents}/{documentId}", world.Viewer.AccessToken);
        var goneBody = await AuthApi.AssertErrorAsync(gone, HttpStatusCode.NotFound, "not_found");
        Assert.Contains("not found", goneBody.GetProperty("message").GetString()!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Files_list_with_stats_detail_and_deletion_of_an_orphan()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var shared = UniqueBytes(1000);
        var first = await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, shared, "a.bin", "application/octet-stream");
        var second = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, shared, "b.bin", "application/octet-stream");
        var other = await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueBytes(500), "c.bin", "application/octet-stream");
        var fileId = first.GetProperty("file_id").GetGuid();
        Assert.Equal(fileId, second.GetProperty("file_id").GetGuid());

        var plain = await GetDataAsync(gateway, world.Files, world.Viewer.AccessToken);
        Assert.Equal(2, plain.GetProperty("files").GetArrayLength());
        Assert.False(plain.TryGetProperty("stats", out _));
        var summary = plain.GetProperty("files")[0];
        Assert.Equal(new[] { "created_at", "file_size", "id", "md5_hash", "s3_path" }, summary.EnumerateObject().Select(p => p.Name).Order().ToArray());

        var withStats = await GetDataAsync(gateway, $"{world.Files}?include_stats=TRUE", world.Viewer.AccessToken);
        var stats = withStats.GetProperty("stats");
        Assert.Equal(JsonValueKind.Number, stats.GetProperty("total_storage_bytes").ValueKind);
        Assert.Equal(JsonValueKind.Number, stats.GetProperty("total_storage_mb").ValueKind);
        Assert.Equal(2, stats.GetProperty("total_files").GetInt64());
        Assert.Equal(1500, stats.GetProperty("total_storage_bytes").GetInt64());
        var detailed = withStats.GetProperty("files").EnumerateArray().Single(f => f.GetProperty("id").GetGuid() == fileId);
        Assert.Equal(2, detailed.GetProperty("document_count").GetInt32());
        Assert.False(detailed.GetProperty("is_orphaned").GetBoolean());
        Assert.Equal(64, detailed.GetProperty("sha256_hash").GetString()!.Length);
        Assert.Equal(JsonValueKind.Object, detailed.GetProperty("file_metadata").ValueKind);
        Assert.Equal(
            new[] { "created_at", "created_by", "document_count", "file_metadata", "file_size", "id", "is_orphaned", "md5_hash", "orphaned_at", "s3_path", "sha256_hash", "updated_at" },
            detailed.EnumerateObject().Select(p => p.Name).Order().ToArray());

        var detail = await GetDataAsync(gateway, $"{world.Files}/{fileId}", world.Viewer.AccessToken);
        Assert.Equal(2, detail.GetProperty("documents").GetArrayLength());
        Assert.Equal(new[] { "a.bin", "b.bin" }, detail.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("filename").GetString()!).Order().ToArray());

        // Still referenced: 400 with the count. Orphaned: row and object go at once.
        using (var referenced = await SendAsync(gateway, HttpMethod.Delete, $"{world.Files}/{fileId}", world.Admin.AccessToken))
        {
            var body = await AuthApi.AssertErrorAsync(referenced, HttpStatusCode.BadRequest, "bad_request");
            Assert.Equal("Cannot delete file: still referenced by 2 documents", body.GetProperty("message").GetString());
        }

        var otherFile = other.GetProperty("file_id").GetGuid();
        var otherKey = other.GetProperty("file").GetProperty("s3_path").GetString()!;
        using (var delete = await SendAsync(gateway, HttpMethod.Delete, $"{world.Documents}/{other.GetProperty("id").GetGuid()}", world.Admin.AccessToken))
        {
            Assert.True((await delete.JsonAsync()).GetProperty("data").GetProperty("file_orphaned").GetBoolean());
        }

        using (var deleteFile = await SendAsync(gateway, HttpMethod.Delete, $"{world.Files}/{otherFile}", world.Admin.AccessToken))
        {
            var body = await deleteFile.JsonAsync();
            Assert.True(deleteFile.StatusCode == HttpStatusCode.OK || deleteFile.StatusCode == HttpStatusCode.NotFound, body.ToString());
            if (deleteFile.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal("Orphaned file deleted successfully", body.GetProperty("message").GetString());
                Assert.Equal(500, body.GetProperty("data").GetProperty("freed_storage_bytes").GetInt64());
                Assert.Equal(JsonValueKind.Number, body.GetProperty("data").GetProperty("freed_storage_mb").ValueKind);
            }
        }

        Assert.False(await ObjectExistsAsync(platform, otherKey));
        using var fileGone = await SendAsync(gateway, HttpMethod.Get, $"{world.Files}/{otherFile}", world.Admin.AccessToken);
        await AuthApi.AssertErrorAsync(fileGone, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Paging_is_validated_and_applied()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        for (var i = 0; i < 12; i++)
        {
            await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueText(), $"doc-{i}.txt", "text/plain");
        }

        var page2 = await GetDataAsync(gateway, $"{world.Documents}?page=2&per_page=10", world.Viewer.AccessToken);
        Assert.Equal(2, page2.GetProperty("pagination").GetProperty("page").GetInt32());
        Assert.Equal(10, page2.GetProperty("pagination").GetProperty("per_page").GetInt32());
        Assert.Equal(12, page2.GetProperty("pagination").GetProperty("total").GetInt32());
        Assert.Equal(2, page2.GetProperty("pagination").GetProperty("pages").GetInt32());
        Assert.Equal(new[] { "doc-0.txt", "doc-1.txt" }, page2.GetProperty("documents").EnumerateArray().Select(d => d.GetProperty("filename").GetString()!).Order().ToArray());

        foreach (var query in new[] { "page=0", "page=-1", "per_page=0", "per_page=101", "page=abc" })
        {
            foreach (var path in new[] { world.Documents, world.Files })
            {
                using var response = await SendAsync(gateway, HttpMethod.Get, $"{path}?{query}", world.Viewer.AccessToken);
                await AuthApi.AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error");
            }
        }

        var files = await GetDataAsync(gateway, $"{world.Files}?page=2&per_page=5", world.Viewer.AccessToken);
        Assert.Equal(5, files.GetProperty("files").GetArrayLength());
        Assert.Equal(3, files.GetProperty("pagination").GetProperty("pages").GetInt32());
    }

    [Fact]
    public async Task Bad_input_answers_400_and_never_500()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var token = world.User.AccessToken;

        using (var missing = await UploadAsync(gateway, token, world.TenantId,
                   Form(new StringContent("x"), uploadName: null, fields: new Dictionary<string, string> { ["filename"] = "a.txt" })))
        {
            var body = await AuthApi.AssertErrorAsync(missing, HttpStatusCode.BadRequest, "validation_error");
            Assert.Equal("File is required", body.GetProperty("message").GetString());
        }

        using (var empty = await UploadBytesAsync(gateway, token, world.TenantId, [], "empty.txt", "text/plain"))
        {
            var body = await AuthApi.AssertErrorAsync(empty, HttpStatusCode.BadRequest, "validation_error");
            Assert.Contains("empty", body.GetProperty("message").GetString()!, StringComparison.OrdinalIgnoreCase);
        }

        using (var badMime = await UploadBytesAsync(gateway, token, world.TenantId, UniqueText(), "a.txt", "text/plain",
                   new Dictionary<string, string> { ["mime_type"] = "not a mime" }))
        {
            var body = await AuthApi.AssertErrorAsync(badMime, HttpStatusCode.BadRequest, "validation_error");
            Assert.True(body.GetProperty("details").TryGetProperty("mime_type", out _));
        }

        using (var badName = await UploadBytesAsync(gateway, token, world.TenantId, UniqueText(), "a.txt", "text/plain",
                   new Dictionary<string, string> { ["filename"] = "../etc/passwd" }))
        {
            var body = await AuthApi.AssertErrorAsync(badName, HttpStatusCode.BadRequest, "validation_error");
            Assert.True(body.GetProperty("details").TryGetProperty("filename", out _));
        }

        using (var json = await SendAsync(gateway, HttpMethod.Post, world.Documents, token, new { file = "x" }))
        {
            await AuthApi.AssertErrorAsync(json, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        }

        var document = await UploadOkAsync(gateway, token, world.TenantId, UniqueText(), "ok.txt", "text/plain");
        var path = $"{world.Documents}/{document.GetProperty("id").GetGuid()}";
        using (var malformed = await gateway.SendAsync(Tenancy.TenancyApi.Raw(HttpMethod.Put, path, token, "{\"filename\": ", "application/json")))
        {
            await AuthApi.AssertErrorAsync(malformed, HttpStatusCode.BadRequest, "bad_request");
        }

        using (var wrongType = await gateway.SendAsync(Tenancy.TenancyApi.Raw(HttpMethod.Put, path, token, "filename=x", "text/plain")))
        {
            await AuthApi.AssertErrorAsync(wrongType, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        }

        using (var nullName = await SendAsync(gateway, HttpMethod.Put, path, token, new { filename = (string?)null }))
        {
            await AuthApi.AssertErrorAsync(nullName, HttpStatusCode.BadRequest, "validation_error");
        }

        foreach (var badPath in new[] { $"{world.Documents}/not-a-uuid", $"/api/tenants/not-a-uuid/documents", $"{world.Files}/123", "/api/files/xyz/files" })
        {
            using var response = await SendAsync(gateway, HttpMethod.Get, badPath, token);
            await AuthApi.AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
        }
    }

    [Fact]
    public async Task Health_answers_without_auth_and_echoes_the_tenant()
    {
        using var gateway = platform.CreateGatewayClient();

        var body = await gateway.GetFromJsonAsync<JsonElement>("/api/tenants/anything-goes/documents/health");

        Assert.True(body.GetProperty("success").GetBoolean());
        Assert.Equal("Documents API is healthy", body.GetProperty("message").GetString());
        Assert.Equal("documents", body.GetProperty("data").GetProperty("blueprint").GetString());
        Assert.Equal("anything-goes", body.GetProperty("data").GetProperty("tenant_id").GetString());
    }

    [Fact]
    public async Task Filenames_of_any_kind_download_with_a_safe_content_disposition()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        const string name = "Résumé \"final\"; x=1 – 東京.pdf";
        var document = await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, UniqueText(), "upload.pdf", "application/pdf",
            new Dictionary<string, string> { ["filename"] = name });

        using var download = await SendAsync(gateway, HttpMethod.Get, $"{world.Documents}/{document.GetProperty("id").GetGuid()}/download", world.User.AccessToken);

        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var disposition = download.Content.Headers.ContentDisposition!;
        Assert.Equal(name, disposition.FileNameStar);
        Assert.Equal("attachment", disposition.DispositionType);
        Assert.Equal(2, disposition.Parameters.Count);
        Assert.DoesNotContain("\"final\"", disposition.FileName, StringComparison.Ordinal);
        Assert.True(Encoding.ASCII.GetByteCount(download.Content.Headers.GetValues("Content-Disposition").Single()) > 0);
    }
}
