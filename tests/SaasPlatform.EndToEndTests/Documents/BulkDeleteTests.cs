using System.Net;
using System.Text.Json;
using SaasPlatform.EndToEndTests.Identity;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>
/// <c>POST .../documents/bulk-delete</c>: one result per id, the single delete's rules and side effects (orphaning,
/// <c>document.deleted</c> event, audit record), another tenant's ids untouched, 1 to 1,000 ids.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class BulkDeleteTests(PlatformFixture platform)
{
    private static Task<HttpResponseMessage> BulkDeleteAsync(HttpClient gateway, DocumentWorld world, string token, object body) =>
        SendAsync(gateway, HttpMethod.Post, $"{world.Documents}/bulk-delete", token, body);

    private static Dictionary<Guid, JsonElement> ResultsById(JsonElement data) =>
        data.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("document_id").GetGuid());

    [Fact]
    public async Task Mixed_ids_get_a_result_each_and_another_tenants_documents_stay_intact()
    {
        using var gateway = platform.CreateGatewayClient();
        var a = await NewWorldAsync(gateway);
        var b = await NewWorldAsync(gateway);
        var admin = a.Admin.AccessToken;
        var alone = (await UploadOkAsync(gateway, admin, a.TenantId, UniqueText(), "alone.txt", "text/plain")).GetProperty("id").GetGuid();
        var shared = UniqueText();
        var sharing = await UploadOkAsync(gateway, admin, a.TenantId, shared, "sharing.txt", "text/plain");
        var keeper = await UploadOkAsync(gateway, admin, a.TenantId, shared, "keeper.txt", "text/plain");
        Assert.Equal(sharing.GetProperty("file_id").GetGuid(), keeper.GetProperty("file_id").GetGuid());
        var inB = (await UploadOkAsync(gateway, b.Admin.AccessToken, b.TenantId, UniqueText(), "b.txt", "text/plain")).GetProperty("id").GetGuid();
        var unknown = Guid.NewGuid();
        var sharingId = sharing.GetProperty("id").GetGuid();

        // The caller is admin of B as well, but the path names A: B's id is not a document of A.
        using var response = await BulkDeleteAsync(gateway, a, admin, new { document_ids = new[] { alone, sharingId, unknown, inB, alone } });
        var body = await response.JsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body.ToString());
        var data = body.GetProperty("data");
        Assert.Equal([alone, sharingId, unknown, inB], data.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("document_id").GetGuid()));
        var results = ResultsById(data);
        Assert.Equal("deleted", results[alone].GetProperty("status").GetString());
        Assert.True(results[alone].GetProperty("file_orphaned").GetBoolean());
        Assert.Equal("deleted", results[sharingId].GetProperty("status").GetString());
        Assert.False(results[sharingId].GetProperty("file_orphaned").GetBoolean());
        Assert.Equal("not_found", results[unknown].GetProperty("status").GetString());
        Assert.Equal("not_found", results[inB].GetProperty("status").GetString());
        Assert.Equal((2, 2, 0), (data.GetProperty("deleted").GetInt32(), data.GetProperty("not_found").GetInt32(), data.GetProperty("forbidden").GetInt32()));

        // The single delete's side effects, once per deleted document.
        Assert.Equal(1L, await TenantScalarAsync<long>(platform, a, "SELECT count(*) FROM documents"));
        Assert.Equal(1L, await TenantScalarAsync<long>(platform, a, "SELECT count(*) FROM files WHERE orphaned_at IS NOT NULL"));
        Assert.Equal(2L, await TenantScalarAsync<long>(platform, a, "SELECT count(*) FROM outbox_messages WHERE topic = 'document.deleted'"));
        var audited = await EventuallyAsync(TimeSpan.FromSeconds(60), async () =>
        {
            var audit = await GetDataAsync(gateway, $"/api/tenants/{a.TenantId}/audit?per_page=100", admin);
            var deleted = audit.GetProperty("audit_logs").EnumerateArray()
                .Where(e => e.GetProperty("action").GetString() == "document.deleted")
                .Select(e => e.GetProperty("resource_id").GetString()).ToHashSet();
            return deleted.SetEquals([alone.ToString(), sharingId.ToString()]);
        });
        Assert.True(audited, "expected one document.deleted audit entry for each deleted document");

        // B is untouched.
        Assert.Equal(1L, await TenantScalarAsync<long>(platform, b, "SELECT count(*) FROM documents"));
        Assert.Equal("b.txt", (await GetDataAsync(gateway, $"{b.Documents}/{inB}", b.Admin.AccessToken)).GetProperty("filename").GetString());
    }

    [Fact]
    public async Task A_user_deletes_their_own_and_is_refused_the_others_per_item()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var own = (await UploadOkAsync(gateway, world.User.AccessToken, world.TenantId, UniqueText())).GetProperty("id").GetGuid();
        var admins = (await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueText())).GetProperty("id").GetGuid();

        using var response = await BulkDeleteAsync(gateway, world, world.User.AccessToken, new { document_ids = new[] { admins, own } });
        var data = (await response.JsonAsync()).GetProperty("data");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = ResultsById(data);
        Assert.Equal("forbidden", results[admins].GetProperty("status").GetString());
        Assert.Equal("deleted", results[own].GetProperty("status").GetString());
        Assert.Equal(admins, await TenantScalarAsync<Guid>(platform, world, "SELECT id FROM documents"));
    }

    [Fact]
    public async Task A_viewer_cannot_bulk_delete_and_a_non_member_does_not_see_the_tenant()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var id = (await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueText())).GetProperty("id").GetGuid();

        using (var viewer = await BulkDeleteAsync(gateway, world, world.Viewer.AccessToken, new { document_ids = new[] { id } }))
        {
            await AuthApi.AssertErrorAsync(viewer, HttpStatusCode.Forbidden, "forbidden");
        }

        using (var outsider = await BulkDeleteAsync(gateway, world, world.Outsider.AccessToken, new { document_ids = new[] { id } }))
        {
            await AuthApi.AssertErrorAsync(outsider, HttpStatusCode.NotFound, "not_found");
        }

        Assert.Equal(1L, await TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM documents"));
    }

    [Fact]
    public async Task Between_one_and_a_thousand_valid_ids_are_accepted_anything_else_is_a_400()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var token = world.Admin.AccessToken;
        var id = (await UploadOkAsync(gateway, token, world.TenantId, UniqueText())).GetProperty("id").GetGuid();

        foreach (var bad in new object[]
                 {
                     new { document_ids = Array.Empty<Guid>() },
                     new { document_ids = Enumerable.Range(0, 1001).Select(_ => Guid.NewGuid()).ToArray() },
                     new { document_ids = new object[] { id, "not-a-uuid" } },
                     new { document_ids = new object[] { 42 } },
                     new { document_ids = id },
                     new { ids = new[] { id } },
                 })
        {
            using var response = await BulkDeleteAsync(gateway, world, token, bad);
            var body = await AuthApi.AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error");
            Assert.True(body.GetProperty("details").TryGetProperty("document_ids", out _), body.ToString());
        }

        using (var notAnObject = await BulkDeleteAsync(gateway, world, token, new[] { id }))
        {
            await AuthApi.AssertErrorAsync(notAnObject, HttpStatusCode.BadRequest, "bad_request");
        }

        Assert.Equal(1L, await TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM documents"));

        // Exactly 1,000 is allowed.
        var thousand = Enumerable.Range(0, 999).Select(_ => Guid.NewGuid()).Append(id).ToArray();
        using var full = await BulkDeleteAsync(gateway, world, token, new { document_ids = thousand });
        var data = (await full.JsonAsync()).GetProperty("data");
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        Assert.Equal(1000, data.GetProperty("results").GetArrayLength());
        Assert.Equal((1, 999), (data.GetProperty("deleted").GetInt32(), data.GetProperty("not_found").GetInt32()));
        Assert.Equal(0L, await TenantScalarAsync<long>(platform, world, "SELECT count(*) FROM documents"));
    }
}
