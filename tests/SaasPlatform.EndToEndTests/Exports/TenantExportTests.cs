using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using SaasPlatform.EndToEndTests.Events;
using SaasPlatform.EndToEndTests.Identity;
using SaasPlatform.EndToEndTests.Tenancy;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;
using static SaasPlatform.EndToEndTests.Exports.ExportsApi;

namespace SaasPlatform.EndToEndTests.Exports;

/// <summary>
/// Tenant export and import (issue 18.6, docs/decisions/tenant-export-import.md): the real worker writes the archive
/// into the S3 stand-in through a Kafka event, the presigned link serves it, and an import recreates the tenant.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class TenantExportTests(PlatformFixture platform)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_export_holds_every_document_and_imports_as_a_new_tenant_with_the_same_hashes()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var shared = UniqueText("shared bytes");
        var big = UniqueBytes(2 * 1024 * 1024 + 5); // spooled, not in memory, on both sides
        var uploads = new (string Name, byte[] Bytes)[]
        {
            ("shared-1.txt", shared), ("shared-2.txt", shared), ("big.bin", big), ("notes.txt", UniqueText("notes")),
        };
        foreach (var (name, bytes) in uploads)
        {
            await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, bytes, name, "text/plain");
        }

        // The uploads' audit lines reach the audit log asynchronously; the archive should carry them.
        Assert.True(await EventuallyAsync(Patience, async () =>
        {
            var audit = await GetDataAsync(gateway, $"/api/tenants/{world.TenantId}/audit?per_page=100", world.Admin.AccessToken);
            return audit.GetProperty("audit_logs").EnumerateArray().Count(a => a.GetProperty("action").GetString() == "document.uploaded") == 4;
        }), "the uploads never reached the audit log");

        var export = await ExportAsync(gateway, world.Admin.AccessToken, world.TenantId);
        Assert.Equal(4, export.GetProperty("document_count").GetInt32());
        Assert.Equal(3, export.GetProperty("file_count").GetInt32());
        var archive = await DownloadAsync(export);
        Assert.Equal(export.GetProperty("size_bytes").GetInt64(), archive.LongLength);

        using (var zip = new ZipArchive(new MemoryStream(archive), ZipArchiveMode.Read))
        {
            var manifest = ReadJson(zip, "manifest.json");
            Assert.Equal(1, manifest.GetProperty("format_version").GetInt32());
            Assert.Equal("saasplatform.tenant-archive", manifest.GetProperty("kind").GetString());
            Assert.Equal(world.TenantId, manifest.GetProperty("tenant").GetProperty("id").GetGuid());
            Assert.Equal(export.GetProperty("id").GetGuid(), manifest.GetProperty("export_id").GetGuid());

            var documents = ReadJson(zip, "documents.json").EnumerateArray().ToList();
            Assert.Equal(uploads.Select(u => u.Name).Order(), documents.Select(d => d.GetProperty("filename").GetString()!).Order());
            var files = ReadJson(zip, "files.json").EnumerateArray().ToList();
            Assert.Equal(3, files.Count); // the shared pair is one file, stored once
            foreach (var (name, bytes) in uploads)
            {
                var sha256 = Sha256(bytes);
                var file = Assert.Single(files, f => f.GetProperty("sha256").GetString() == sha256);
                Assert.Equal($"files/{sha256}", file.GetProperty("path").GetString());
                Assert.Equal(bytes, ReadBytes(zip, $"files/{sha256}"));
                Assert.Equal(file.GetProperty("id").GetGuid(),
                    documents.Single(d => d.GetProperty("filename").GetString() == name).GetProperty("file_id").GetGuid());
            }

            var members = ReadJson(zip, "members.json").EnumerateArray()
                .ToDictionary(m => m.GetProperty("user_id").GetGuid(), m => m.GetProperty("role").GetString());
            Assert.Equal("admin", members[world.Admin.UserId]);
            Assert.Equal("user", members[world.User.UserId]);
            Assert.Equal("viewer", members[world.Viewer.UserId]);

            var audit = ReadJson(zip, "audit_log.json").EnumerateArray().Select(a => a.GetProperty("action").GetString()).ToList();
            Assert.Equal(4, audit.Count(a => a == "document.uploaded"));
            Assert.Contains("member.added", audit);
        }

        // The admin hears of it: an audit line (forwarded live by the notifications hub) and an e-mail request.
        Assert.True(await EventuallyAsync(Patience, async () =>
        {
            var audit = await GetDataAsync(gateway, $"/api/tenants/{world.TenantId}/audit?per_page=100", world.Admin.AccessToken);
            return audit.GetProperty("audit_logs").EnumerateArray().Any(a => a.GetProperty("action").GetString() == "tenant.export_completed"
                && a.GetProperty("resource_id").GetString() == export.GetProperty("id").GetString());
        }), "no tenant.export_completed in the audit log");
        var email = KafkaProbe.FindMessage(platform, "email.requested", r =>
        {
            var value = JsonDocument.Parse(r.Message.Value).RootElement.GetProperty("data");
            return value.GetProperty("template").GetString() == "tenant-export-ready"
                && value.GetProperty("to").GetString() == world.Admin.Email
                && value.GetProperty("values").GetProperty("export_url").GetString()!.EndsWith(export.GetProperty("id").GetString()!, StringComparison.Ordinal);
        }, Patience);
        Assert.NotNull(email);

        // Import as a new tenant: the caller (here the exporting admin) becomes its admin, members keep their roles.
        using var imported = await ImportArchiveAsync(gateway, world.Admin.AccessToken, archive, "Imported copy");
        var body = await imported.JsonAsync();
        Assert.True(imported.StatusCode == HttpStatusCode.Created, $"import: {(int)imported.StatusCode} {body}");
        var data = body.GetProperty("data");
        var newTenantId = data.GetProperty("tenant").GetProperty("id").GetGuid();
        var newDatabase = data.GetProperty("tenant").GetProperty("database_name").GetString()!;
        Assert.NotEqual(world.TenantId, newTenantId);
        Assert.Equal("Imported copy", data.GetProperty("tenant").GetProperty("name").GetString());
        Assert.Equal(4, data.GetProperty("imported").GetProperty("documents").GetInt32());
        Assert.Equal(2, data.GetProperty("imported").GetProperty("members_added").GetInt32());

        var tenant = await GetDataAsync(gateway, $"/api/tenants/{newTenantId}", world.Admin.AccessToken);
        var roles = tenant.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("id").GetGuid(), m => m.GetProperty("role").GetString());
        Assert.Equal("admin", roles[world.Admin.UserId]);
        Assert.Equal("user", roles[world.User.UserId]);
        Assert.Equal("viewer", roles[world.Viewer.UserId]);

        // Every document downloads with its original bytes; the shared pair is still one file and one object.
        var list = await GetDataAsync(gateway, $"/api/tenants/{newTenantId}/documents?per_page=100", world.Viewer.AccessToken);
        var importedDocuments = list.GetProperty("documents").EnumerateArray().ToList();
        Assert.Equal(4, importedDocuments.Count);
        foreach (var document in importedDocuments)
        {
            var name = document.GetProperty("filename").GetString()!;
            using var download = await AuthApi.SendAsync(gateway, HttpMethod.Get,
                $"/api/tenants/{newTenantId}/documents/{document.GetProperty("id").GetGuid()}/download", world.Viewer.AccessToken);
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal(Sha256(uploads.Single(u => u.Name == name).Bytes), Sha256(await download.Content.ReadAsByteArrayAsync()));
        }

        Assert.Equal(3L, await TenancyApi.ScalarAsync<long>(platform, newDatabase, "SELECT count(*) FROM files"));
        Assert.Equal(3, (await ListKeysAsync(platform, $"tenants/{newDatabase}/files/")).Count);
    }

    [Fact]
    public async Task Only_admins_export_and_outsiders_learn_nothing()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);

        using (var user = await RequestExportAsync(gateway, world.User.AccessToken, world.TenantId))
        {
            await AuthApi.AssertErrorAsync(user, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var viewer = await RequestExportAsync(gateway, world.Viewer.AccessToken, world.TenantId))
        {
            await AuthApi.AssertErrorAsync(viewer, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var outsider = await RequestExportAsync(gateway, world.Outsider.AccessToken, world.TenantId))
        {
            await AuthApi.AssertErrorAsync(outsider, HttpStatusCode.NotFound, "not_found");
        }

        using (var anonymous = await AuthApi.SendAsync(gateway, HttpMethod.Post, $"/api/tenants/{world.TenantId}/exports", null))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        }

        var export = await ExportAsync(gateway, world.Admin.AccessToken, world.TenantId);
        var path = $"/api/tenants/{world.TenantId}/exports/{export.GetProperty("id").GetGuid()}";
        using (var viewer = await AuthApi.SendAsync(gateway, HttpMethod.Get, path, world.Viewer.AccessToken))
        {
            await AuthApi.AssertErrorAsync(viewer, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var list = await AuthApi.SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{world.TenantId}/exports", world.User.AccessToken))
        {
            await AuthApi.AssertErrorAsync(list, HttpStatusCode.Forbidden, "forbidden");
        }
    }

    [Fact]
    public async Task Another_tenants_admin_cannot_read_or_import_the_export()
    {
        using var gateway = platform.CreateGatewayClient();
        var owner = await NewWorldAsync(gateway);
        var stranger = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("export-stranger"));
        var strangerTenant = (await TenancyApi.NewTenantAsync(gateway, stranger.AccessToken)).GetProperty("id").GetGuid();
        await UploadOkAsync(gateway, owner.Admin.AccessToken, owner.TenantId, UniqueText("private"));
        var export = await ExportAsync(gateway, owner.Admin.AccessToken, owner.TenantId);
        var exportId = export.GetProperty("id").GetGuid();

        // Through the owner's tenant: not a member, so 404 as for any tenant the caller cannot see.
        using (var direct = await AuthApi.SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{owner.TenantId}/exports/{exportId}", stranger.AccessToken))
        {
            await AuthApi.AssertErrorAsync(direct, HttpStatusCode.NotFound, "not_found");
        }

        // Through the stranger's own tenant, where the stranger is admin: the export is not there.
        using (var crossed = await AuthApi.SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{strangerTenant}/exports/{exportId}", stranger.AccessToken))
        {
            await AuthApi.AssertErrorAsync(crossed, HttpStatusCode.NotFound, "not_found");
        }

        using (var list = await AuthApi.SendAsync(gateway, HttpMethod.Get, $"/api/tenants/{strangerTenant}/exports", stranger.AccessToken))
        {
            Assert.Equal(HttpStatusCode.OK, list.StatusCode);
            Assert.Empty((await list.JsonAsync()).GetProperty("data").EnumerateArray());
        }

        // Importing by export id needs admin rights in the source tenant.
        var before = await TenantIdsAsync(gateway, stranger.AccessToken);
        using (var import = await AuthApi.SendAsync(gateway, HttpMethod.Post, "/api/tenants/import", stranger.AccessToken,
                   new { source_tenant_id = owner.TenantId, export_id = exportId }))
        {
            await AuthApi.AssertErrorAsync(import, HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(before, await TenantIdsAsync(gateway, stranger.AccessToken));

        // The owner's admin may import it by id.
        using var own = await AuthApi.SendAsync(gateway, HttpMethod.Post, "/api/tenants/import", owner.Admin.AccessToken,
            new { source_tenant_id = owner.TenantId, export_id = exportId });
        Assert.Equal(HttpStatusCode.Created, own.StatusCode);
        Assert.Equal(1, (await own.JsonAsync()).GetProperty("data").GetProperty("imported").GetProperty("documents").GetInt32());
    }

    [Fact]
    public async Task A_corrupt_archive_is_a_400_and_leaves_no_tenant()
    {
        using var gateway = platform.CreateGatewayClient();
        var caller = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("importer"));
        var before = await TenantIdsAsync(gateway, caller.AccessToken);

        // Not a ZIP at all.
        using (var garbage = await ImportArchiveAsync(gateway, caller.AccessToken, Encoding.UTF8.GetBytes("definitely not a zip")))
        {
            var body = await AuthApi.AssertErrorAsync(garbage, HttpStatusCode.BadRequest, "validation_error");
            Assert.Contains("ZIP", body.GetProperty("details").GetProperty("archive")[0].GetString(), StringComparison.Ordinal);
        }

        // A ZIP of another format version.
        using (var future = await ImportArchiveAsync(gateway, caller.AccessToken, Archive(formatVersion: 2, content: "abc"u8.ToArray(), declaredSha256: null)))
        {
            var body = await AuthApi.AssertErrorAsync(future, HttpStatusCode.BadRequest, "validation_error");
            Assert.Contains("format_version", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // A well-formed archive whose file bytes are not what files.json says: found while storing, after the tenant
        // was created, which must then be gone again.
        var real = "the real bytes"u8.ToArray();
        var tampered = "the fake bytes"u8.ToArray();
        using (var damaged = await ImportArchiveAsync(gateway, caller.AccessToken, Archive(1, tampered, Sha256(real))))
        {
            var body = await AuthApi.AssertErrorAsync(damaged, HttpStatusCode.BadRequest, "validation_error");
            Assert.Contains("does not match", body.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        // No archive part at all.
        using (var empty = await ImportArchiveAsync(gateway, caller.AccessToken, []))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        }

        // The clean-up's delete is committed before the 400; the caller's tenant list follows it within moments.
        Assert.True(await EventuallyAsync(TimeSpan.FromSeconds(10), async () => (await TenantIdsAsync(gateway, caller.AccessToken)).SetEquals(before)),
            "a tenant of a failed import is still listed");
    }

    [Fact]
    public async Task Export_and_import_are_documented_in_the_api_docs()
    {
        using var gateway = platform.CreateGatewayClient();
        var document = await gateway.GetFromJsonAsync<JsonElement>(new Uri("/api/docs/openapi/events.json", UriKind.Relative));
        var paths = document.GetProperty("paths");
        Assert.Equal("RequestTenantExport", paths.GetProperty("/api/tenants/{tenantId}/exports").GetProperty("post").GetProperty("operationId").GetString());
        var get = paths.GetProperty("/api/tenants/{tenantId}/exports/{exportId}").GetProperty("get");
        Assert.Contains("wait_seconds", get.GetProperty("description").GetString()!, StringComparison.Ordinal);
        Assert.Equal("ImportTenant", paths.GetProperty("/api/tenants/import").GetProperty("post").GetProperty("operationId").GetString());
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>A hand-made archive with one file and one document.</summary>
    private static byte[] Archive(int formatVersion, byte[] content, string? declaredSha256)
    {
        var sha256 = declaredSha256 ?? Sha256(content);
        var fileId = Guid.NewGuid();
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Json(string name, object value)
            {
                using var entry = zip.CreateEntry(name).Open();
                JsonSerializer.Serialize(entry, value);
            }

            Json("manifest.json", new Dictionary<string, object>
            {
                ["format_version"] = formatVersion,
                ["kind"] = "saasplatform.tenant-archive",
                ["export_id"] = Guid.NewGuid(),
                ["exported_at"] = DateTimeOffset.UtcNow,
                ["tenant"] = new Dictionary<string, object> { ["id"] = Guid.NewGuid(), ["name"] = "Hand made" },
                ["counts"] = new Dictionary<string, object> { ["files"] = 1, ["documents"] = 1, ["members"] = 0, ["audit_records"] = 0, ["content_bytes"] = content.Length },
            });
            Json("files.json", new[]
            {
                new Dictionary<string, object>
                {
                    ["id"] = fileId, ["sha256"] = sha256, ["md5"] = new string('0', 32), ["size"] = content.Length,
                    ["created_at"] = DateTimeOffset.UtcNow, ["path"] = $"files/{sha256}",
                },
            });
            Json("documents.json", new[]
            {
                new Dictionary<string, object>
                {
                    ["id"] = Guid.NewGuid(), ["filename"] = "doc.txt", ["mime_type"] = "text/plain", ["file_id"] = fileId,
                    ["user_id"] = Guid.NewGuid(), ["created_at"] = DateTimeOffset.UtcNow, ["updated_at"] = DateTimeOffset.UtcNow,
                },
            });
            Json("members.json", Array.Empty<object>());
            using var bytes = zip.CreateEntry($"files/{sha256}").Open();
            bytes.Write(content);
        }

        return stream.ToArray();
    }
}
