using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using SaasPlatform.EndToEndTests.Identity;
using static SaasPlatform.EndToEndTests.Documents.DocumentsApi;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>
/// <c>POST .../documents/zip</c>: the documents' exact bytes (SHA-256) under unique, safe names in the order asked, for
/// any member, audited like downloads; unknown or foreign ids are a 404 before anything is sent.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class ZipDownloadTests(PlatformFixture platform)
{
    private static Task<HttpResponseMessage> ZipAsync(HttpClient gateway, DocumentWorld world, string token, object body) =>
        SendAsync(gateway, HttpMethod.Post, $"{world.Documents}/zip", token, body);

    [Fact]
    public async Task The_archive_holds_each_documents_bytes_under_a_unique_name_in_the_order_asked()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var token = world.User.AccessToken;
        var uploads = new List<(Guid Id, byte[] Bytes)>();
        foreach (var (name, bytes) in new[]
                 {
                     ("a.txt", UniqueText("first")),
                     ("a.txt", UniqueText("second")),
                     ("A.TXT", UniqueText("third")),
                     ("report.pdf", UniqueBytes(300 * 1024)),
                     ("notes", UniqueBytes(10)),
                 })
        {
            uploads.Add(((await UploadOkAsync(gateway, token, world.TenantId, bytes, name, "application/octet-stream")).GetProperty("id").GetGuid(), bytes));
        }

        // Two documents of the same bytes (one stored file) are two entries.
        var copy = (await UploadOkAsync(gateway, token, world.TenantId, uploads[3].Bytes, "copy.pdf", "application/pdf")).GetProperty("id").GetGuid();
        uploads.Add((copy, uploads[3].Bytes));

        var order = new[] { 4, 0, 1, 2, 3, 5 };
        using var response = await ZipAsync(gateway, world, world.Viewer.AccessToken, new { document_ids = order.Select(i => uploads[i].Id).ToArray() });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);

        await using var archive = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        Assert.Equal(["notes", "a.txt", "a (2).txt", "A (3).TXT", "report.pdf", "copy.pdf"], archive.Entries.Select(e => e.FullName));
        for (var i = 0; i < order.Length; i++)
        {
            await using var entry = await archive.Entries[i].OpenAsync();
            Assert.Equal(Convert.ToHexString(SHA256.HashData(uploads[order[i]].Bytes)), Convert.ToHexString(await SHA256.HashDataAsync(entry)));
        }

        // Audited like downloads: one document.downloaded per document, by the viewer.
        var audited = await EventuallyAsync(TimeSpan.FromSeconds(60), async () =>
        {
            var audit = await GetDataAsync(gateway, $"/api/tenants/{world.TenantId}/audit?per_page=100", world.Admin.AccessToken);
            var downloaded = audit.GetProperty("audit_logs").EnumerateArray()
                .Where(e => e.GetProperty("action").GetString() == "document.downloaded" && e.GetProperty("user_id").GetGuid() == world.Viewer.UserId)
                .Select(e => e.GetProperty("resource_id").GetString()).ToHashSet();
            return downloaded.SetEquals(uploads.Select(u => u.Id.ToString()));
        });
        Assert.True(audited, "expected one document.downloaded audit entry per archived document");
    }

    [Fact]
    public async Task Names_that_could_escape_the_extraction_folder_are_made_safe()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var id = (await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueText(), "plain.txt", "text/plain")).GetProperty("id").GetGuid();
        // Rows from before today's name validation may hold separators.
        await Tenancy.TenancyApi.ExecuteAsync(platform, world.DatabaseName, $"UPDATE documents SET filename = '../../etc/passwd' WHERE id = '{id}'");
        var dots = (await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueText(), "plain2.txt", "text/plain")).GetProperty("id").GetGuid();
        await Tenancy.TenancyApi.ExecuteAsync(platform, world.DatabaseName, $"UPDATE documents SET filename = '..' WHERE id = '{dots}'");

        using var response = await ZipAsync(gateway, world, world.Viewer.AccessToken, new { document_ids = new[] { id, dots } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var archive = new ZipArchive(new MemoryStream(await response.Content.ReadAsByteArrayAsync()), ZipArchiveMode.Read);
        Assert.Equal([".._.._etc_passwd", "document"], archive.Entries.Select(e => e.FullName));
    }

    [Fact]
    public async Task Unknown_and_other_tenants_ids_are_a_404_naming_them()
    {
        using var gateway = platform.CreateGatewayClient();
        var a = await NewWorldAsync(gateway);
        var b = await NewWorldAsync(gateway);
        var own = (await UploadOkAsync(gateway, a.Admin.AccessToken, a.TenantId, UniqueText())).GetProperty("id").GetGuid();
        var foreign = (await UploadOkAsync(gateway, b.Admin.AccessToken, b.TenantId, UniqueText())).GetProperty("id").GetGuid();

        using var response = await ZipAsync(gateway, a, a.Admin.AccessToken, new { document_ids = new[] { own, foreign } });
        var body = await AuthApi.AssertErrorAsync(response, HttpStatusCode.NotFound, "not_found");
        Assert.Equal([foreign], body.GetProperty("details").GetProperty("document_ids").EnumerateArray().Select(e => e.GetGuid()));
    }

    [Fact]
    public async Task Outsiders_get_404_and_id_lists_outside_1_to_1000_get_400()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var id = (await UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, UniqueText())).GetProperty("id").GetGuid();

        using (var outsider = await ZipAsync(gateway, world, world.Outsider.AccessToken, new { document_ids = new[] { id } }))
        {
            await AuthApi.AssertErrorAsync(outsider, HttpStatusCode.NotFound, "not_found");
        }

        foreach (var bad in new object[]
                 {
                     new { document_ids = Array.Empty<Guid>() },
                     new { document_ids = Enumerable.Range(0, 1001).Select(_ => Guid.NewGuid()).ToArray() },
                     new { document_ids = new[] { "x" } },
                 })
        {
            using var response = await ZipAsync(gateway, world, world.Viewer.AccessToken, bad);
            await AuthApi.AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error");
        }
    }
}
