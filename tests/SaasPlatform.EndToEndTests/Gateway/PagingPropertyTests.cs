using System.Globalization;
using System.Net;
using System.Text.Json;
using SaasPlatform.EndToEndTests.Identity;
using SaasPlatform.EndToEndTests.Tenancy;
using Xunit.Abstractions;

namespace SaasPlatform.EndToEndTests.Gateway;

/// <summary>
/// A property over every list endpoint, through the gateway: whatever <c>page</c> and <c>per_page</c> a client sends
/// (random, extreme, overflowing, negative, zero, not numbers, repeated), the answer is a 200 list or a 400
/// <c>validation_error</c> in the envelope naming the field, never a 5xx.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class PagingPropertyTests(PlatformFixture platform, ITestOutputHelper output)
{
    private static readonly string[] Extremes =
    [
        "", "0", "1", "-1", "2", "100", "101", "1000000", "1000001", "21474838", "21474837", "2147483647", "2147483648",
        "-2147483648", "-2147483649", "9223372036854775807", "9223372036854775808", "99999999999999999999999999",
        "abc", "1.5", "1e3", "0x10", " 5 ", "+3", "%00", "1%2C2", "NaN", "Infinity", "١٢", "%E2%80%AE1",
    ];

    [Fact]
    public async Task Random_and_extreme_paging_values_never_answer_5xx_on_any_list_endpoint()
    {
        using var gateway = platform.CreateGatewayClient();
        var admin = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("paging-property"));
        var tenantId = (await TenancyApi.NewTenantAsync(gateway, admin.AccessToken)).GetProperty("id").GetGuid();
        string[] endpoints =
        [
            $"/api/tenants/{tenantId}/documents", $"/api/files/{tenantId}/files", $"/api/files/{tenantId}/files?include_stats=true",
            $"/api/tenants/{tenantId}/audit", "/api/tenants", "/api/users/me/tenants",
        ];

        var seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var cases = new List<(string Page, string PerPage)>();
        foreach (var page in Extremes)
        {
            cases.Add((page, Extremes[random.Next(Extremes.Length)]));
            cases.Add((Extremes[random.Next(Extremes.Length)], page));
        }

        for (var i = 0; i < 40; i++)
        {
            cases.Add((RandomValue(random), RandomValue(random)));
        }

        var answers = new Dictionary<int, int>();
        var failures = new List<string>();
        foreach (var endpoint in endpoints)
        {
            await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (@case, _) =>
            {
                var separator = endpoint.Contains('?', StringComparison.Ordinal) ? '&' : '?';
                var path = $"{endpoint}{separator}page={@case.Page}&per_page={@case.PerPage}";
                using var response = await AuthApi.SendAsync(gateway, HttpMethod.Get, path, admin.AccessToken);
                var text = await response.Content.ReadAsStringAsync();
                lock (answers)
                {
                    answers[(int)response.StatusCode] = answers.GetValueOrDefault((int)response.StatusCode) + 1;
                    if (!IsWellFormed(response.StatusCode, text))
                    {
                        failures.Add($"GET {path}: {(int)response.StatusCode} {text}");
                    }
                }
            });
        }

        output.WriteLine($"{cases.Count * endpoints.Length} requests: "
            + string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key} x{a.Value}")));
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
        // The property holds for both kinds of answer, and a refused value really is refused.
        Assert.True(answers.GetValueOrDefault(200) > 0 && answers.GetValueOrDefault(400) > 0);
    }

    [Theory]
    [InlineData("21474838", "100")]
    [InlineData("2147483647", "20")]
    [InlineData("2147483647", "100")]
    public async Task The_reported_overflow_values_are_a_validation_error_on_each_paged_endpoint(string page, string perPage)
    {
        using var gateway = platform.CreateGatewayClient();
        var admin = await AuthApi.NewSessionAsync(gateway, AuthApi.UniqueEmail("paging-overflow"));
        var tenantId = (await TenancyApi.NewTenantAsync(gateway, admin.AccessToken)).GetProperty("id").GetGuid();

        foreach (var endpoint in new[] { $"/api/tenants/{tenantId}/documents", $"/api/files/{tenantId}/files", $"/api/tenants/{tenantId}/audit" })
        {
            using var response = await AuthApi.SendAsync(gateway, HttpMethod.Get, $"{endpoint}?page={page}&per_page={perPage}", admin.AccessToken);
            var body = await AuthApi.AssertErrorAsync(response, HttpStatusCode.BadRequest, "validation_error");
            Assert.True(body.GetProperty("details").TryGetProperty("page", out _), body.ToString());
        }

        // The last allowed page is still an ordinary (empty) page.
        foreach (var endpoint in new[] { $"/api/tenants/{tenantId}/documents", $"/api/files/{tenantId}/files", $"/api/tenants/{tenantId}/audit" })
        {
            using var response = await AuthApi.SendAsync(gateway, HttpMethod.Get, $"{endpoint}?page=1000000&per_page=100", admin.AccessToken);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    private static string RandomValue(Random random) => random.Next(6) switch
    {
        0 => random.NextInt64(long.MinValue, long.MaxValue).ToString(CultureInfo.InvariantCulture),
        1 => random.Next(int.MinValue, int.MaxValue).ToString(CultureInfo.InvariantCulture),
        2 => random.Next(-5, 150).ToString(CultureInfo.InvariantCulture),
        3 => (random.NextDouble() * 1e12).ToString("R", CultureInfo.InvariantCulture),
        4 => Uri.EscapeDataString(new string(Enumerable.Range(0, random.Next(1, 12)).Select(_ => (char)random.Next(33, 0x2FFF)).ToArray())),
        _ => new string('9', random.Next(1, 40)),
    };

    /// <summary>A 200 with data, or a 400 validation error in the envelope; anything else breaks the property.</summary>
    private static bool IsWellFormed(HttpStatusCode status, string text)
    {
        try
        {
            var body = JsonDocument.Parse(text).RootElement;
            return status switch
            {
                HttpStatusCode.OK => body.GetProperty("success").GetBoolean(),
                HttpStatusCode.BadRequest => !body.GetProperty("success").GetBoolean()
                    && body.GetProperty("error").GetString() == "validation_error",
                _ => false,
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return false;
        }
    }
}
