using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace SaasPlatform.EndToEndTests.Replicas;

/// <summary>
/// One authenticated request to one replica of a token-validating service, sent to that replica's own address (not
/// through Aspire's load-balancing proxy), so a test can ask every replica the same question.
/// </summary>
internal sealed record ReplicaProbe(string Service, ServiceInstance Instance, HttpClient Client, Func<string> Path)
{
    public async Task<HttpResponseMessage> SendAsync(string token, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Path());
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await Client.SendAsync(request, cancellationToken);
    }

    /// <summary>Polls until <paramref name="done"/> holds for the answer; returns when (since <paramref name="since"/>).</summary>
    public async Task<TimeSpan> TimeUntilAsync(string token, Func<HttpStatusCode, bool> done, Stopwatch since, TimeSpan patience)
    {
        while (true)
        {
            using (var response = await SendAsync(token))
            {
                if (done(response.StatusCode))
                {
                    return since.Elapsed;
                }
            }

            if (since.Elapsed > patience)
            {
                return TimeSpan.MaxValue;
            }

            await Task.Delay(10);
        }
    }
}

internal static class ReplicaProbes
{
    /// <summary>The services that validate tokens themselves (the gateway only routes).</summary>
    public static readonly string[] TokenValidating = ["identity-api", "tenancy-api", "documents-api", "events-worker"];

    /// <summary>
    /// A probe per replica of every token-validating service, each on an authenticated endpoint: who am I, my
    /// tenants, a tenant's files and its audit log (for a tenant the caller is not in: 404 while the token is good,
    /// 401 once it is refused).
    /// </summary>
    public static List<ReplicaProbe> ForEveryReplica(PlatformFixture platform, Guid? tenantId = null)
    {
        var tenant = tenantId ?? Guid.NewGuid();
        return
        [
            .. platform.Instances("identity-api").Select(i => new ReplicaProbe("identity-api", i, PlatformFixture.CreateInstanceClient(i), () => "/api/users/me")),
            .. platform.Instances("tenancy-api").Select(i => new ReplicaProbe("tenancy-api", i, PlatformFixture.CreateInstanceClient(i), () => "/api/tenants")),
            .. platform.Instances("documents-api").Select(i => new ReplicaProbe("documents-api", i, PlatformFixture.CreateInstanceClient(i), () => $"/api/files/{tenant}/files")),
            .. platform.Instances("events-worker").Select(i => new ReplicaProbe("events-worker", i, PlatformFixture.CreateInstanceClient(i), () => $"/api/tenants/{tenant}/audit")),
        ];
    }

    public static double Percentile(IReadOnlyList<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
