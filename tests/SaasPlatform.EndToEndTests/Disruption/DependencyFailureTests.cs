using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SaasPlatform.EndToEndTests.Documents;
using SaasPlatform.EndToEndTests.Identity;
using SaasPlatform.EndToEndTests.Tenancy;
using Xunit.Abstractions;

namespace SaasPlatform.EndToEndTests.Disruption;

/// <summary>
/// Dependencies that go away under real traffic, on a platform of the test's own (<see cref="DisruptionFixture"/>):
/// PostgreSQL restarting answers 503 with Retry-After (never 500) and the platform recovers by itself; a stopped
/// service is answered by the gateway at once, 503 <c>service_unavailable</c>, instead of being waited on.
/// </summary>
[Collection(DisruptionCollection.Name)]
public sealed class DependencyFailureTests(DisruptionFixture platform, ITestOutputHelper output)
{
    private const int Clients = 8;

    [Fact]
    public async Task A_postgres_restart_under_load_answers_503_with_retry_after_and_never_500()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        var document = await DocumentsApi.UploadOkAsync(gateway, world.Admin.AccessToken, world.TenantId, DocumentsApi.UniqueText(), "load.txt", "text/plain");
        var documentId = document.GetProperty("id").GetGuid();
        var sessions = new[] { world.Admin, world.User, world.Viewer };

        // A mix of reads (each kind of database: identity, tenancy, the tenant's, events) and writes.
        var operations = new Func<HttpClient, int, Task<HttpResponseMessage>>[]
        {
            (c, i) => AuthApi.MeAsync(c, sessions[i % 3].AccessToken),
            (c, i) => AuthApi.SendAsync(c, HttpMethod.Get, "/api/tenants", sessions[i % 3].AccessToken),
            (c, i) => AuthApi.SendAsync(c, HttpMethod.Get, $"/api/tenants/{world.TenantId}", sessions[i % 3].AccessToken),
            (c, i) => AuthApi.SendAsync(c, HttpMethod.Get, world.Documents, sessions[i % 3].AccessToken),
            (c, i) => AuthApi.SendAsync(c, HttpMethod.Get, $"{world.Documents}/{documentId}", sessions[i % 3].AccessToken),
            (c, i) => AuthApi.SendAsync(c, HttpMethod.Get, $"{world.Documents}/{documentId}/download", sessions[i % 3].AccessToken),
            (c, i) => AuthApi.SendAsync(c, HttpMethod.Get, world.Files, world.Admin.AccessToken),
            (c, i) => AuthApi.SendAsync(c, HttpMethod.Get, $"/api/tenants/{world.TenantId}/audit", world.Admin.AccessToken),
            (c, i) => AuthApi.SendAsync(c, HttpMethod.Put, $"{world.Documents}/{documentId}", world.User.AccessToken, new { filename = $"load {i}.txt" }),
            (c, i) => AuthApi.SendAsync(c, HttpMethod.Put, $"/api/tenants/{world.TenantId}", world.Admin.AccessToken, new { name = $"Load {i}" }),
        };

        var statuses = new ConcurrentDictionary<int, int>();
        var bad = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var load = Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            using var http = platform.CreateGatewayClient();
            http.Timeout = TimeSpan.FromSeconds(60);
            for (var i = client; !stop.IsCancellationRequested; i++)
            {
                var operation = operations[i % operations.Length];
                try
                {
                    using var response = await operation(http, i);
                    var text = await response.Content.ReadAsStringAsync();
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    if ((int)response.StatusCode >= 500 && !IsRetryableUnavailable(response, text))
                    {
                        bad.Add($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {(int)response.StatusCode} {text}");
                    }
                }
                catch (HttpRequestException ex)
                {
                    bad.Add($"transport: {ex.Message}");
                }
            }
        })).ToArray();

        await Task.Delay(TimeSpan.FromSeconds(5));
        var watch = Stopwatch.StartNew();
        await platform.RestartPostgresAsync(down: TimeSpan.FromSeconds(4));
        output.WriteLine($"PostgreSQL down and back in {watch.Elapsed.TotalSeconds:0.0} s");
        await Task.Delay(TimeSpan.FromSeconds(10));
        stop.Cancel();
        await Task.WhenAll(load);

        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"));
        output.WriteLine($"{statuses.Values.Sum()} requests: {summary}");
        Assert.True(bad.IsEmpty, $"{bad.Count} answers were not 2xx/4xx or a 503 with Retry-After ({summary}):\n{string.Join("\n", bad.Take(15))}");
        Assert.True(statuses.Where(s => s.Key < 300).Sum(s => s.Value) > 100, summary);

        // Recovered by itself: every operation succeeds again.
        for (var i = 0; i < operations.Length; i++)
        {
            var index = i;
            var status = await AuthApi.StatusWithinAsync(TimeSpan.FromSeconds(30), HttpStatusCode.OK, () => operations[index](gateway, index));
            Assert.Equal(HttpStatusCode.OK, status);
        }
    }

    [Fact]
    public async Task A_stopped_service_is_answered_by_the_gateway_with_503_within_five_seconds()
    {
        using var gateway = platform.CreateGatewayClient();
        var world = await NewWorldAsync(gateway);
        await ResourceRestarts.KillAsync(platform, "documents-api", "Documents.Api", output);
        try
        {
            // The gateway's own health reports the service unreachable ...
            var reported = await WaitUntilAsync(async () =>
            {
                using var health = await gateway.GetAsync(new Uri("/health", UriKind.Relative));
                var text = await health.Content.ReadAsStringAsync();
                return text.Contains("documents-api", StringComparison.Ordinal);
            }, TimeSpan.FromSeconds(60));
            Assert.True(reported, "the gateway's /health never reported documents-api");

            // ... and its forwarding takes the destination out at its next probes (2 s apart, two failures in a row:
            // Gateway/appsettings.json). From then on it does not wait on it: every route answers at once.
            var quick = await WaitUntilAsync(async () =>
            {
                using var probe = platform.CreateGatewayClient();
                probe.Timeout = TimeSpan.FromSeconds(5);
                try
                {
                    using var response = await AuthApi.SendAsync(probe, HttpMethod.Get, world.Documents, world.Admin.AccessToken);
                    return response.StatusCode == HttpStatusCode.ServiceUnavailable;
                }
                catch (TaskCanceledException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(20));
            Assert.True(quick, "the gateway kept forwarding to the stopped service");

            foreach (var path in new[] { world.Documents, $"{world.Documents}/{Guid.NewGuid()}", world.Files, $"{world.Documents}/{Guid.NewGuid()}/download" })
            {
                var watch = Stopwatch.StartNew();
                using var response = await AuthApi.SendAsync(gateway, HttpMethod.Get, path, world.Admin.AccessToken);
                var elapsed = watch.Elapsed;
                var text = await response.Content.ReadAsStringAsync();
                output.WriteLine($"GET {path}: {(int)response.StatusCode} in {elapsed.TotalMilliseconds:0} ms {text}");

                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.True(elapsed < TimeSpan.FromSeconds(5), $"answered after {elapsed.TotalSeconds:0.0} s");
                Assert.NotNull(response.Headers.RetryAfter?.Delta);
                var body = JsonDocument.Parse(text).RootElement;
                Assert.False(body.GetProperty("success").GetBoolean());
                Assert.Equal("service_unavailable", body.GetProperty("error").GetString());
            }

            // The rest of the platform is not affected.
            using var tenants = await AuthApi.SendAsync(gateway, HttpMethod.Get, "/api/tenants", world.Admin.AccessToken);
            Assert.Equal(HttpStatusCode.OK, tenants.StatusCode);
        }
        finally
        {
            await ResourceRestarts.StartAsync(platform, "documents-api", output);
        }

        // And it is taken back once its health probe answers again.
        Assert.Equal(HttpStatusCode.OK, await AuthApi.StatusWithinAsync(TimeSpan.FromSeconds(30), HttpStatusCode.OK,
            () => AuthApi.SendAsync(gateway, HttpMethod.Get, world.Documents, world.Admin.AccessToken)));
    }

    /// <summary>
    /// A tenant with one member of each role, all registered on this platform (the shared users of
    /// <see cref="TenancyApi.UserAsync"/> belong to the main platform's Identity).
    /// </summary>
    private static async Task<DocumentWorld> NewWorldAsync(HttpClient gateway)
    {
        var admin = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("disruption-admin"));
        var user = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("disruption-user"));
        var viewer = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("disruption-viewer"));
        var tenant = await TenancyApi.NewTenantAsync(gateway, admin.AccessToken);
        var tenantId = tenant.GetProperty("id").GetGuid();
        await TenancyApi.AddMemberAsync(gateway, admin.AccessToken, tenantId, user.UserId, "user");
        await TenancyApi.AddMemberAsync(gateway, admin.AccessToken, tenantId, viewer.UserId, "viewer");
        return new DocumentWorld(tenantId, tenant.GetProperty("database_name").GetString()!, admin, user, viewer, viewer);
    }

    /// <summary>A 503 in the envelope with Retry-After: what a dependency failure must look like.</summary>
    private static bool IsRetryableUnavailable(HttpResponseMessage response, string text)
    {
        if (response.StatusCode != HttpStatusCode.ServiceUnavailable || response.Headers.RetryAfter is null)
        {
            return false;
        }

        try
        {
            return JsonDocument.Parse(text).RootElement.GetProperty("error").GetString() == "service_unavailable";
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(200);
        }

        return false;
    }
}
