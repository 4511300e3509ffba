using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using SaasPlatform.EndToEndTests.Identity;
using SaasPlatform.EndToEndTests.Tenancy;

namespace SaasPlatform.EndToEndTests.Documents;

/// <summary>A tenant with one member of each role, plus an outsider, for the document tests.</summary>
internal sealed record DocumentWorld(
    Guid TenantId, string DatabaseName, AuthApi.Session Admin, AuthApi.Session User, AuthApi.Session Viewer,
    AuthApi.Session Outsider)
{
    public string Documents => $"/api/tenants/{TenantId}/documents";

    public string Files => $"/api/files/{TenantId}/files";

    public string FilesPrefix => $"tenants/{DatabaseName}/files/";

    public string StagingPrefix => $"tenants/{DatabaseName}/staging/";
}

/// <summary>Helpers over the public document and file API (through the gateway) and over the storage behind it.</summary>
internal static class DocumentsApi
{
    /// <summary>A fresh tenant owned by the shared "docs-admin", with "docs-user" and "docs-viewer" as members.</summary>
    public static async Task<DocumentWorld> NewWorldAsync(HttpClient gateway)
    {
        var admin = await TenancyApi.UserAsync(gateway, "docs-admin");
        var user = await TenancyApi.UserAsync(gateway, "docs-user");
        var viewer = await TenancyApi.UserAsync(gateway, "docs-viewer");
        var outsider = await TenancyApi.UserAsync(gateway, "docs-outsider");
        var tenant = await TenancyApi.NewTenantAsync(gateway, admin.AccessToken, $"Docs {Guid.NewGuid():N}");
        var tenantId = tenant.GetProperty("id").GetGuid();
        await TenancyApi.AddMemberAsync(gateway, admin.AccessToken, tenantId, user.UserId, "user");
        await TenancyApi.AddMemberAsync(gateway, admin.AccessToken, tenantId, viewer.UserId, "viewer");
        return new DocumentWorld(tenantId, tenant.GetProperty("database_name").GetString()!, admin, user, viewer, outsider);
    }

    public static MultipartFormDataContent Form(HttpContent file, string? uploadName, string? partContentType = "text/plain",
        IDictionary<string, string>? fields = null)
    {
        var form = new MultipartFormDataContent($"----docs-{Guid.NewGuid():N}");
        if (partContentType is not null)
        {
            file.Headers.ContentType = MediaTypeHeaderValue.Parse(partContentType);
        }

        if (uploadName is not null)
        {
            form.Add(file, "file", uploadName);
        }

        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    public static Task<HttpResponseMessage> UploadAsync(HttpClient gateway, string? token, Guid tenantId, HttpContent body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/tenants/{tenantId}/documents") { Content = body };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return gateway.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    public static Task<HttpResponseMessage> UploadBytesAsync(HttpClient gateway, string? token, Guid tenantId, byte[] bytes,
        string filename = "test_document.pdf", string? contentType = "application/pdf", IDictionary<string, string>? fields = null) =>
        UploadAsync(gateway, token, tenantId, Form(new ByteArrayContent(bytes), filename, contentType, fields));

    /// <summary>Uploads and returns <c>data</c> (asserting 201).</summary>
    public static async Task<JsonElement> UploadOkAsync(HttpClient gateway, string token, Guid tenantId, byte[] bytes,
        string filename = "test_document.pdf", string? contentType = "application/pdf", IDictionary<string, string>? fields = null)
    {
        using var response = await UploadBytesAsync(gateway, token, tenantId, bytes, filename, contentType, fields);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload: {(int)response.StatusCode} {body}");
        return body.GetProperty("data");
    }

    public static Task<HttpResponseMessage> SendAsync(HttpClient gateway, HttpMethod method, string path, string? token, object? json = null) =>
        AuthApi.SendAsync(gateway, method, path, token, json);

    public static async Task<JsonElement> GetDataAsync(HttpClient gateway, string path, string token)
    {
        using var response = await SendAsync(gateway, HttpMethod.Get, path, token);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {body}");
        return body.GetProperty("data");
    }

    public static byte[] UniqueBytes(int length = 256)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    public static byte[] UniqueText(string prefix = "Test document content") =>
        System.Text.Encoding.UTF8.GetBytes($"{prefix} {Guid.NewGuid()}\n");

    public static async Task<AmazonS3Client> StorageAsync(PlatformFixture platform)
    {
        var connection = await platform.GetConnectionStringAsync("storage") ?? throw new InvalidOperationException("no storage");
        var parts = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connection };
        return new AmazonS3Client(new BasicAWSCredentials((string)parts["AccessKey"], (string)parts["SecretKey"]), new AmazonS3Config
        {
            ServiceURL = (string)parts["Endpoint"],
            ForcePathStyle = true,
            AuthenticationRegion = (string)parts["Region"],
        });
    }

    public static string Bucket => "saas-platform-files";

    /// <summary>Every object key under <paramref name="prefix"/>.</summary>
    public static async Task<List<string>> ListKeysAsync(PlatformFixture platform, string prefix)
    {
        using var s3 = await StorageAsync(platform);
        var keys = new List<string>();
        var request = new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix };
        while (true)
        {
            var page = await s3.ListObjectsV2Async(request);
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key));
            if (page.IsTruncated != true)
            {
                return keys;
            }

            request.ContinuationToken = page.NextContinuationToken;
        }
    }

    public static async Task<bool> ObjectExistsAsync(PlatformFixture platform, string key)
    {
        using var s3 = await StorageAsync(platform);
        try
        {
            await s3.GetObjectMetadataAsync(Bucket, key);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public static Task<T?> TenantScalarAsync<T>(PlatformFixture platform, DocumentWorld world, string sql, params object[] parameters) =>
        TenancyApi.ScalarAsync<T>(platform, world.DatabaseName, sql, parameters);

    /// <summary>Polls <paramref name="condition"/> until it holds or the deadline passes.</summary>
    public static async Task<bool> EventuallyAsync(TimeSpan deadline, Func<Task<bool>> condition)
    {
        var stop = DateTime.UtcNow + deadline;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow >= stop)
            {
                return false;
            }

            await Task.Delay(250);
        }
    }
}
