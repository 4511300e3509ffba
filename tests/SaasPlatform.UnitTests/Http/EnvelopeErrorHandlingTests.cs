using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SaasPlatform.UnitTests.Http;

/// <summary>Unhandled exceptions through the real pipeline (Kestrel on a free port): what the client receives.</summary>
public sealed class EnvelopeErrorHandlingTests
{
    [Fact]
    public async Task A_timeout_in_a_dependency_is_a_retryable_503_in_the_envelope()
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = Address(app) };

        using var response = await client.GetAsync(new Uri("/pool-exhausted", UriKind.Relative));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), response.Headers.RetryAfter?.Delta);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("service_unavailable", body.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Any_other_exception_is_a_500_without_its_text()
    {
        await using var app = await StartAsync();
        using var client = new HttpClient { BaseAddress = Address(app) };

        using var response = await client.GetAsync(new Uri("/bug", UriKind.Relative));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("internal_error", JsonDocument.Parse(text).RootElement.GetProperty("error").GetString());
        Assert.DoesNotContain("secret detail", text, StringComparison.Ordinal);
    }

    private static async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddLogging();
        var app = builder.Build();
        app.UseApiEnvelope();
        // Npgsql reports an exhausted pool as an NpgsqlException wrapping a TimeoutException.
        app.MapGet("/pool-exhausted", () => { throw new InvalidOperationException("pool", new TimeoutException()); });
        app.MapGet("/bug", () => { throw new InvalidOperationException("secret detail"); });
        await app.StartAsync();
        return app;
    }

    private static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
}
