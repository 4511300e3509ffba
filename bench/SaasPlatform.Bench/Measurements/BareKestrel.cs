using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SaasPlatform.Bench.Measurements;

/// <summary>
/// A bare minimal-API endpoint returning a small JSON, in this process: how fast the machine serves HTTP right now.
/// The Flask figures were taken when it served about <see cref="ReferenceRps"/>, so throughput is compared with them
/// after scaling by this run's calibration (the machines are shared and noisy).
/// </summary>
public sealed class BareKestrel : IAsyncDisposable
{
    /// <summary>wrk -t2 -c32 against this endpoint when the Flask platform was measured (shared/ENVIRONMENT.md).</summary>
    public const double ReferenceRps = 29_800;

    private readonly WebApplication _app;

    private BareKestrel(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<BareKestrel> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/ping", () => TypedResults.Ok(new { status = "healthy", service = "bench" }));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new BareKestrel(app, new Uri(new Uri(address), "/ping"));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
