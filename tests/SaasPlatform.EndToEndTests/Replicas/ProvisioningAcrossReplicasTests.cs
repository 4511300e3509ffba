using System.Net;
using System.Text.RegularExpressions;
using SaasPlatform.EndToEndTests.Tenancy;
using Xunit.Abstractions;
using static SaasPlatform.EndToEndTests.Identity.AuthApi;

namespace SaasPlatform.EndToEndTests.Replicas;

/// <summary>
/// A provisioning that fails after creating its database, with two Tenancy.Api replicas: the replica that failed undoes
/// it, once; the other replica's recovery (which undoes provisionings whose owner died) leaves it alone, and nothing
/// is left behind.
/// </summary>
[Collection(ReplicasCollection.Name)]
public sealed partial class ProvisioningAcrossReplicasTests(ReplicasFixture platform, ITestOutputHelper output)
{
    [Fact]
    public async Task A_provisioning_failure_is_compensated_once()
    {
        const int failures = 4;
        using var gateway = platform.CreateGatewayClient();
        var owner = await NewSessionAsync(gateway);
        var tenancy = platform.Instances("tenancy-api");
        // Half through each replica (the gateway's choice would be random).
        for (var i = 0; i < failures; i++)
        {
            using var client = PlatformFixture.CreateInstanceClient(tenancy[i % tenancy.Count]);
            using var response = await TenancyApi.CreateTenantAsync(client, owner.AccessToken, "fault:fail-after-database");
            await AssertErrorAsync(response, HttpStatusCode.InternalServerError, "internal_error");
        }

        Assert.Equal(0L, await TenancyApi.ScalarAsync<long>(platform, TenancyApi.TenancyDb,
            "SELECT count(*) FROM tenants WHERE created_by = @p0", owner.UserId));

        var undone = new List<string>();
        var recovered = new List<string>();
        foreach (var instance in tenancy)
        {
            var log = await platform.LogAsync(instance.Id);
            undone.AddRange(log.Select(line => Undoing().Match(line)).Where(m => m.Success).Select(m => m.Groups[1].Value));
            recovered.AddRange(log.Select(line => Recovered().Match(line)).Where(m => m.Success).Select(m => m.Groups[1].Value));
        }

        output.WriteLine($"undone by the failing replica: {string.Join(", ", undone)}; by recovery: {string.Join(", ", recovered)}");
        Assert.True(undone.Count >= failures, $"{undone.Count} undo logs for {failures} failures");
        Assert.Equal(undone.Count, undone.Distinct().Count());                 // each undone once
        Assert.Empty(undone.Intersect(recovered));                             // and not again by the other replica
    }

    [GeneratedRegex(@"Provisioning tenant ([0-9a-f-]{36}) failed; undoing")]
    private static partial Regex Undoing();

    [GeneratedRegex(@"Undid interrupted provisioning of tenant ([0-9a-f-]{36})")]
    private static partial Regex Recovered();
}
